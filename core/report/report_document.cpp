#include "report/report_document.h"

#include <cstdint>
#include <sstream>
#include <string_view>

namespace aq {
namespace {

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// Table cells must not break the row: pipes are escaped, newlines become spaces.
std::string md_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) |
                 uint32_t(uint8_t(in[i + 2]));
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (std::size_t rest = in.size() - i; rest > 0) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(in[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// An SVG file starts with an XML declaration and maybe a DOCTYPE, neither of which is allowed
// inside HTML; inline SVG starts at the <svg element.
std::string_view svg_element(std::string_view svg) {
  auto p = svg.find("<svg");
  return p == std::string_view::npos ? svg : svg.substr(p);
}

std::string gib(uint64_t bytes) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << double(bytes) / double(1ull << 30) << " GiB";
  return s.str();
}

std::vector<std::pair<std::string, std::string>> machine_rows(const MachineInfo& m) {
  return {{"CPU", m.cpu_model.empty() ? "unknown" : m.cpu_model},
          {"Logical cores", std::to_string(m.logical_cores)},
          {"Memory", gib(m.memory_bytes)},
          {"Operating system", m.os.empty() ? "unknown" : m.os},
          {"AVX2 + FMA + F16C", m.avx2 ? "yes" : "no"}};
}

void html_pairs(std::ostringstream& o, const std::vector<std::pair<std::string, std::string>>& rows) {
  o << "<table class=\"kv\">\n";
  for (const auto& [k, v] : rows)
    o << "<tr><th>" << html_escape(k) << "</th><td>" << html_escape(v) << "</td></tr>\n";
  o << "</table>\n";
}

void html_table(std::ostringstream& o, const ReportTable& t) {
  if (!t.title.empty()) o << "<h3>" << html_escape(t.title) << "</h3>\n";
  o << "<table>\n<thead><tr>";
  for (const auto& h : t.header) o << "<th>" << html_escape(h) << "</th>";
  o << "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    o << "<tr>";
    for (const auto& c : row) o << "<td>" << html_escape(c) << "</td>";
    o << "</tr>\n";
  }
  o << "</tbody>\n</table>\n";
}

void html_image(std::ostringstream& o, const ReportImage& img) {
  o << "<figure>\n";
  if (img.mime == "image/svg+xml") {
    o << "<div class=\"svg\">" << svg_element(img.bytes) << "</div>\n";
  } else {
    o << "<img alt=\"" << html_escape(img.title) << "\" src=\"data:" << html_escape(img.mime)
      << ";base64," << base64(img.bytes) << "\">\n";
  }
  if (!img.title.empty()) o << "<figcaption>" << html_escape(img.title) << "</figcaption>\n";
  o << "</figure>\n";
}

void md_pairs(std::ostringstream& o, const std::vector<std::pair<std::string, std::string>>& rows) {
  o << "| | |\n|---|---|\n";
  for (const auto& [k, v] : rows) o << "| " << md_cell(k) << " | " << md_cell(v) << " |\n";
  o << "\n";
}

void md_table(std::ostringstream& o, const ReportTable& t) {
  if (!t.title.empty()) o << "### " << t.title << "\n\n";
  if (t.header.empty()) return;
  o << "|";
  for (const auto& h : t.header) o << " " << md_cell(h) << " |";
  o << "\n|";
  for (std::size_t i = 0; i < t.header.size(); ++i) o << "---|";
  o << "\n";
  for (const auto& row : t.rows) {
    o << "|";
    for (std::size_t i = 0; i < t.header.size(); ++i)
      o << " " << (i < row.size() ? md_cell(row[i]) : std::string()) << " |";
    o << "\n";
  }
  o << "\n";
}

constexpr std::string_view kStyle = R"(<style>
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #1d2330; line-height: 1.4; }
h1 { border-bottom: 2px solid #2f6fde; padding-bottom: .2em; }
h2 { margin-top: 1.6em; color: #2f4f8f; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: 0.92em; }
th, td { border: 1px solid #c9d0dc; padding: 3px 8px; text-align: left; }
thead th { background: #eef2f8; }
table.kv th { background: #f5f7fa; font-weight: 600; }
figure { margin: 1em 0; }
figure img, figure .svg svg { max-width: 100%; height: auto; border: 1px solid #e0e4ea; }
figcaption { font-size: .9em; color: #566; }
.meta { color: #566; font-size: .9em; }
</style>
)";

}  // namespace

std::string render_html(const ReportDocument& doc) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
    << html_escape(doc.title) << "</title>\n"
    << kStyle << "</head>\n<body>\n";
  o << "<h1>" << html_escape(doc.title) << "</h1>\n";
  o << "<p class=\"meta\">Generated " << html_escape(doc.generated_at) << " by ArrowQuant "
    << html_escape(doc.tool_version) << "</p>\n";
  o << "<h2>Machine</h2>\n";
  html_pairs(o, machine_rows(doc.machine));
  if (!doc.settings.empty()) {
    o << "<h2>Settings</h2>\n";
    html_pairs(o, doc.settings);
  }
  for (const auto& s : doc.sections) {
    o << "<h2>" << html_escape(s.heading) << "</h2>\n";
    for (const auto& p : s.paragraphs) o << "<p>" << html_escape(p) << "</p>\n";
    for (const auto& t : s.tables) html_table(o, t);
    for (const auto& img : s.images) html_image(o, img);
  }
  o << "</body>\n</html>\n";
  return o.str();
}

std::string render_markdown(const ReportDocument& doc) {
  std::ostringstream o;
  o << "# " << doc.title << "\n\n";
  o << "Generated " << doc.generated_at << " by ArrowQuant " << doc.tool_version << "\n\n";
  o << "## Machine\n\n";
  md_pairs(o, machine_rows(doc.machine));
  if (!doc.settings.empty()) {
    o << "## Settings\n\n";
    md_pairs(o, doc.settings);
  }
  for (const auto& s : doc.sections) {
    o << "## " << s.heading << "\n\n";
    for (const auto& p : s.paragraphs) o << p << "\n\n";
    for (const auto& t : s.tables) md_table(o, t);
    for (const auto& img : s.images)
      o << "![" << md_cell(img.title) << "](" << img.file_name << ")\n\n";
  }
  return o.str();
}

}  // namespace aq
