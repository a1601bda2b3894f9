#pragma once
// A benchmark / run report as data, and its HTML and Markdown renderings. One writer serves the
// desktop application's "Export report" and the benchmark suite: callers provide chart images
// (PNG or SVG bytes) already rendered; this module knows nothing about charts or Qt.
#include <string>
#include <utility>
#include <vector>

#include "sys/machine.h"

namespace aq {

struct ReportImage {
  std::string title;
  std::string mime;       // "image/png" or "image/svg+xml"
  std::string bytes;      // file content
  std::string file_name;  // for Markdown: the image is referenced by this relative path
};

struct ReportTable {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct ReportSection {
  std::string heading;
  std::vector<std::string> paragraphs;  // plain text, escaped on output
  std::vector<ReportTable> tables;
  std::vector<ReportImage> images;
};

struct ReportDocument {
  std::string title;
  std::string generated_at;  // ISO 8601, set by the caller
  std::string tool_version;
  MachineInfo machine;
  std::vector<std::pair<std::string, std::string>> settings;  // shown as a two-column table
  std::vector<ReportSection> sections;
};

/// A self-contained HTML page: images embedded as data: URIs (SVG inline), tables as <table>.
std::string render_html(const ReportDocument& doc);
/// GitHub-flavoured Markdown; images referenced by ReportImage::file_name (the caller writes them).
std::string render_markdown(const ReportDocument& doc);

}  // namespace aq
