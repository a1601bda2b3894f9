#pragma once
// Number formatting shared by the table, the status bar, the comparison view and the report, so
// every face of the GUI writes the same figure the same way.
#include <QString>
#include <cstdint>
#include <string>
#include <vector>

namespace aqui {

QString qstr(const std::string& s);
std::string sstr(const QString& s);

QString formatBytes(uint64_t bytes);      // "17.3 MB" (decimal, like the CLI)
QString formatMiB(uint64_t bytes);        // "123.4 MiB"
QString formatParams(int64_t params);     // "33.1 M", "4.2 k", "812"
QString formatSeconds(double s);          // "0.84 s", "2 min 05 s"
QString formatDb(double db);              // "23.41 dB", "exact" for +inf
QString formatCosine(double c);           // "0.999712"
QString formatPercent(double fraction);   // "1.23 %"
/// Timestep bucket b of a calibration file: "t 1–100" from its bucket_edges (the lower edge is
/// in the bucket, the upper is not), "bucket 3" without edges.
QString formatBucket(const std::vector<int64_t>& edges, int b);

}  // namespace aqui
