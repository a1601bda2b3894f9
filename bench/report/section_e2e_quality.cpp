// "End to end on a real diffusion model": the MNIST DDPM sampled with float weights and with
// dequantized weights, from e2e_quality.json (bench/e2e_quality.py). Every figure shown is read from
// that file; nothing is estimated here.
#include "report/section_e2e_quality.h"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_io.h"
#include "report/report_text.h"
#include "report/svg_chart.h"

namespace aqb {
namespace {

using nlohmann::json;

const char* const kMethods[] = {"minmax", "search", "calibrated", "mixed", "qdit"};
const char* const kRerun = "/usr/bin/python3 bench/e2e_quality.py --cli BUILD/bin/arrowquant-cli --out RAW/e2e_quality.json";

std::string label(const std::string& m) {
  if (m == "minmax") return "min-max";
  if (m == "search") return "search (default)";
  if (m == "calibrated") return "calibrated (GPTQ)";
  if (m == "mixed") return "calibrated + mixed precision, same size";
  if (m == "qdit") return "Q-DiT baseline (measured)";
  return m;
}

double num_at(const json* j, const char* obj, const char* key) {
  if (!j || !j->contains(obj) || !(*j)[obj].is_object()) return std::nan("");
  return num((*j)[obj], key);
}
struct Data {
  const json& j;
  const json* cell(int bits, const std::string& method) const {
    for (const auto& c : arr(j, "cells"))
      if (c.value("bits", 0) == bits && str(c, "method") == method) return &c;
    return nullptr;
  }
  bool ok(const json* c) const { return c && str(*c, "status") == "ok"; }
  std::vector<int> bits() const {
    std::vector<int> b;
    if (j.contains("settings") && j["settings"].contains("bits"))
      for (const auto& x : j["settings"]["bits"]) b.push_back(x.get<int>());
    return b;
  }
  /// A figure of one cell as table text, or why there is none.
  std::string text(const json* c, const char* obj, const char* key, int decimals = 2) const {
    if (!c) return "not run";
    const std::string st = str(*c, "status");
    if (st == "not available") return "not available in this build";
    if (st != "ok") return "failed: " + str(*c, "error", "see e2e_quality.json").substr(0, 120);
    return fmt(obj ? num_at(c, obj, key) : num(*c, key), decimals);
  }
};

std::string gib(double bytes) { return fmt(bytes / (1024.0 * 1024.0 * 1024.0), 1) + " GiB"; }

aq::ReportImage write_chart(const std::filesystem::path& assets, const std::string& prefix, const std::string& file,
                            const svg::Chart& c) {
  aq::ReportImage img{c.title, "image/svg+xml", svg::render(c), prefix + file};
  write_text_file(assets / file, img.bytes);
  return img;
}

}  // namespace

aq::ReportSection e2e_quality_section(const std::filesystem::path& raw, const std::filesystem::path& assets,
                                      const std::string& prefix) {
  aq::ReportSection s;
  s.heading = "End to end on a real diffusion model";
  const auto loaded = read_json_file(raw / "e2e_quality.json");
  if (!loaded || !loaded->is_object()) {
    s.paragraphs.push_back(std::string("Not measured in this run: bench/e2e_quality.py did not write e2e_quality.json. "
                                       "bash scripts/bench.sh runs it (step e2e_quality); alone: ") + kRerun + ".");
    return s;
  }
  const json& j = *loaded;
  const Data d{j};
  const json st = j.value("settings", json::object());
  if (str(j, "status") != "ok") {
    s.paragraphs.push_back("Skipped in this run: " + str(j, "reason", "no reason recorded") + ". Rerun: " +
                           str(j, "command", kRerun) + ".");
    return s;
  }

  // What was measured, on what, how.
  const json model = j.value("model", json::object());
  const json* any = nullptr;
  for (const auto& c : arr(j, "cells"))
    if (str(c, "status") == "ok" && str(c, "method") != "qdit") {
      any = &c;
      break;
    }
  std::string what = "The " + str(model, "name", "MNIST DDPM") + " of ../shared/models (scripts/mnist_ddpm.py, a real, "
                     "trained DDPM), sampled with float weights and with dequantized weights from exactly the same seeds "
                     "and noise.";
  if (any) {
    std::string names;
    for (const auto& n : arr(*any, "quantized_names")) names += (names.empty() ? ": " : ", ") + n.get<std::string>();
    what += " It has " + fmt(num(*any, "params"), 0) + " parameters; every column quantizes the same " +
            fmt(num(*any, "quantized_tensors"), 0) + " tensors (" + fmt(num(*any, "quantized_params"), 0) + " parameters" +
            names + "), group 64, asymmetric; the default keep rules leave the others in F32 (arrowquant-cli plan "
            "shows each one's reason).";
  }
  s.paragraphs.push_back(what);
  s.paragraphs.push_back(
      "Evaluation (scripts/evaluate.py): " + fmt(num(st, "eval_samples"), 0) + " samples from seed " +
      fmt(num(st, "eval_seed"), 0) + ", " + fmt(num(st, "steps"), 0) + " sampling steps of the checkpoint's 1000-step "
      "schedule. Noise-prediction SQNR = -10 log10(sum |eps_q - eps_f|^2 / sum |eps_f|^2), both networks evaluated on "
      "the float model's trajectory at every step, per timestep bucket and over all steps. Final samples: each model runs "
      "its own trajectory from the same noise; images clipped to the data range [-0.5, 0.5]; PSNR over all pixels of all "
      "samples against the float model's samples. Higher is closer to the float model for both" +
      (std::isfinite(num_at(&j, "reference", "psnr_db_between_different_float_samples"))
           ? "; for scale, two different float samples of this run are " +
                 fmt(num_at(&j, "reference", "psnr_db_between_different_float_samples"), 2) + " dB apart"
           : std::string()) +
      ". Calibration "
      "(scripts/calibrate.py, one file for every calibrated cell): " + fmt(num(st, "cal_samples"), 0) + " samples from seed " +
      fmt(num(st, "cal_seed"), 0) + " (not the evaluation's), " + fmt(num(st, "cal_buckets"), 0) + " timestep buckets.");

  const json m = j.value("machine", json::object()), sw = j.value("software", json::object());
  s.paragraphs.push_back(
      "Measured on " + str(m, "cpu", "?") + ", " + fmt(num(m, "logical_cores"), 0) + " logical cores, " +
      gib(num(m, "memory_bytes")) + ", " + str(m, "os", "?") + " (recorded by the driver; the machine table at the top "
      "is the one that generated this page), started " + str(j, "started", "?") + " at load average " +
      str(j, "load_before", "?") +
      "; Python " + str(sw, "python", "?") + ", torch " + str(sw, "torch", "?") + " on " +
      fmt(num(st, "torch_threads"), 0) + " thread, numpy " + str(sw, "numpy", "?") + ", h5py " + str(sw, "h5py", "?") +
      "; " + str(sw, "arrowquant", "arrowquant-cli") + " at " + str(sw, "git_commit", "?") +
      (sw.value("git_dirty", false) ? " (with uncommitted changes)" : "") + ". The whole driver took " +
      fmt(num(j, "total_seconds"), 0) + " s. Rerun everything with: " + str(j, "command", kRerun) +
      " (bash scripts/bench.sh runs it as the step e2e_quality); each cell's own commands are listed at the end "
      "of this section and in e2e_quality.json. Final-sample PSNR compares two trajectories that compound every "
      "step's error, so it can order two close methods differently from the noise-prediction SQNR, the steadier "
      "of the two figures.");
  if (!j.value("target_bpw_supported", false))
    s.paragraphs.push_back("Calibrated + mixed precision: not available in this build (arrowquant-cli quantize --help "
                           "does not mention --target-bpw), so that column is empty. When the flag exists the driver "
                           "runs quantize --calibration cal.h5 --target-bpw X with X the bits per weight of the "
                           "calibrated run at the same bits (the whole output's tensor data, as quantize --json's "
                           "totals.bits_per_weight).");
  s.paragraphs.push_back(
      "Q-DiT: the baseline column is Q-DiT's weight quantizer (scripts/qdit_baseline.py: asymmetric INT-b per group with "
      "Q-DiT's clipping search, Lp error p = 2.4, group size per tensor from Q-DiT's candidates 32 to 288 or per channel, "
      "chosen under the bit budget) run on this same model and measured with the same evaluate.py: the same tensors as "
      "ArrowQuant (--match), at no more bits per weight over them than ArrowQuant's (--budget-bpw), with ArrowQuant's "
      "ragged last group (--ragged; no Q-DiT group size divides this model's 784-wide rows). Two differences from the "
      "paper: its group sizes are chosen by an evolutionary search scored by FID, here greedily by weight error "
      "(data-free), and its activation quantization is not part of this comparison. The Q-DiT paper's FID figures need "
      "DiT-XL/2, ImageNet and a GPU; they were NOT measured here and are not compared with anything in this report.");

  const std::vector<int> bits = d.bits();

  // Main tables: rows = bits, columns = methods.
  auto grid = [&](const std::string& title, const char* obj, const char* key) {
    aq::ReportTable t;
    t.title = title;
    t.header = {"Bits"};
    for (const char* meth : kMethods) t.header.push_back(label(meth));
    for (int b : bits) {
      std::vector<std::string> row{"INT" + std::to_string(b)};
      for (const char* meth : kMethods) row.push_back(d.text(d.cell(b, meth), obj, key));
      t.rows.push_back(row);
    }
    return t;
  };
  s.tables.push_back(grid("Final samples: PSNR against the float model's samples, dB", "final", "psnr_db"));
  s.tables.push_back(grid("Noise prediction: SQNR over all timesteps, dB", "eps", "sqnr_db"));

  // Sizes.
  {
    aq::ReportTable t;
    t.title = "Size: bits per weight (codes + F16 scales and zero points)";
    t.header = {"Bits", "ArrowQuant, over the quantized tensors (min-max / search / calibrated)",
                "ArrowQuant, whole output (kept tensors F32)", "mixed precision, whole output (target)",
                "Q-DiT, over the same tensors (budget)", "Q-DiT, whole model", "Q-DiT group sizes (tensors)"};
    for (int b : bits) {
      std::vector<std::string> q, w;
      for (const char* meth : {"minmax", "search", "calibrated"}) {
        const json* c = d.cell(b, meth);
        if (!d.ok(c)) continue;
        q.push_back(fmt(num(*c, "bpw_quantized"), 3));
        w.push_back(fmt(num(*c, "bpw_total"), 3));
      }
      auto joined = [](std::vector<std::string> v) {
        bool same = true;
        for (const auto& x : v) same = same && x == v.front();
        if (v.empty()) return std::string("n/a");
        if (same) return v.front();
        std::string o;
        for (const auto& x : v) o += (o.empty() ? "" : " / ") + x;
        return o;
      };
      const json* mx = d.cell(b, "mixed");
      const json* qd = d.cell(b, "qdit");
      std::string groups;
      if (d.ok(qd) && qd->contains("group_sizes"))
        for (const auto& [g, n] : (*qd)["group_sizes"].items()) groups += (groups.empty() ? "" : ", ") + g + " (" + n.dump() + ")";
      t.rows.push_back({"INT" + std::to_string(b), joined(q), joined(w),
                        d.ok(mx) ? fmt(num(*mx, "bpw_total"), 3) + " (" + fmt(num(*mx, "target_bpw"), 3) + ")"
                                 : d.text(mx, nullptr, "bpw_total", 3),
                        d.ok(qd) ? fmt(num(*qd, "bpw_quantized"), 3) + " (" + fmt(num(*qd, "budget_bpw"), 3) + ")"
                                 : d.text(qd, nullptr, "bpw_quantized", 3),
                        d.ok(qd) ? fmt(num(*qd, "bpw_total"), 3) : "n/a", groups.empty() ? "n/a" : groups});
    }
    s.tables.push_back(t);
  }

  // Per timestep bucket.
  std::vector<int> edges;
  for (const auto& c : arr(j, "cells"))
    if (str(c, "status") == "ok") {
      for (const auto& e : arr(c, "bucket_edges")) edges.push_back(e.get<int>());
      break;
    }
  {
    aq::ReportTable t;
    t.title = "Noise-prediction SQNR per timestep bucket (dB; t = the training timestep fed to the network, 1000 = pure noise)";
    t.header = {"Bits", "Method"};
    for (std::size_t i = 0; i + 1 < edges.size(); ++i)
      t.header.push_back("t " + std::to_string(edges[i]) + "-" + std::to_string(edges[i + 1] - 1));
    t.header.insert(t.header.end(), {"all steps", "final PSNR dB", "per-image PSNR mean / min dB"});
    for (int b : bits)
      for (const char* meth : kMethods) {
        const json* c = d.cell(b, meth);
        if (!d.ok(c)) continue;
        std::vector<std::string> row{"INT" + std::to_string(b), label(meth)};
        for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
          std::string v = "n/a";
          for (const auto& r : arr((*c)["eps"], "buckets"))
            if (r.value("t_from", -1) == edges[i]) v = fmt(num(r, "sqnr_db"), 2);
          row.push_back(v);
        }
        row.push_back(fmt(num_at(c, "eps", "sqnr_db"), 2));
        row.push_back(fmt(num_at(c, "final", "psnr_db"), 2));
        row.push_back(fmt(num_at(c, "final", "psnr_db_mean_per_image"), 2) + " / " +
                      fmt(num_at(c, "final", "psnr_db_min_per_image"), 2));
        t.rows.push_back(row);
      }
    s.tables.push_back(t);
  }

  // What this shows, from the figures above.
  {
    std::string cal, qd, mixed;
    std::vector<std::string> worse_cal, worse_search, lost;
    const double unrelated = num_at(&j, "reference", "psnr_db_between_different_float_samples");
    for (int b : bits) {
      const json *se = d.cell(b, "search"), *mm = d.cell(b, "minmax"), *ca = d.cell(b, "calibrated"), *q = d.cell(b, "qdit"),
                 *mx = d.cell(b, "mixed");
      const std::string B = "INT" + std::to_string(b);
      auto psnr = [](const json* c) { return num_at(c, "final", "psnr_db"); };
      auto sqnr = [](const json* c) { return num_at(c, "eps", "sqnr_db"); };
      if (d.ok(se) && d.ok(ca)) {
        cal += (cal.empty() ? "" : "; ") + B + " " + signed_fmt(psnr(ca) - psnr(se), 2) + " dB PSNR, " +
               signed_fmt(sqnr(ca) - sqnr(se), 2) + " dB SQNR";
        for (const json* o : {se, mm})
          if (d.ok(o) && (psnr(ca) < psnr(o) || sqnr(ca) < sqnr(o)))
            worse_cal.push_back(B + ": calibrated " + fmt(psnr(ca), 2) + " dB PSNR / " + fmt(sqnr(ca), 2) + " dB SQNR against " +
                                (o == se ? "search's " : "min-max's ") + fmt(psnr(o), 2) + " / " + fmt(sqnr(o), 2));
      }
      if (d.ok(se) && d.ok(mm) && (psnr(se) < psnr(mm) || sqnr(se) < sqnr(mm)))
        worse_search.push_back(B + ": " + fmt(psnr(se), 2) + " dB PSNR / " + fmt(sqnr(se), 2) + " dB SQNR against min-max's " +
                               fmt(psnr(mm), 2) + " / " + fmt(sqnr(mm), 2) + ", weight SQNR " + fmt(num(*se, "weight_sqnr_db"), 2) +
                               " against " + fmt(num(*mm, "weight_sqnr_db"), 2) + " dB");
      if (d.ok(q)) {
        std::string x;
        for (const json* o : {mm, se, ca})
          if (d.ok(o))
            x += std::string(x.empty() ? "" : ", ") + (o == mm ? "min-max " : o == se ? "search " : "calibrated ") +
                 signed_fmt(psnr(o) - psnr(q), 2) + " / " + signed_fmt(sqnr(o) - sqnr(q), 2);
        if (!x.empty()) qd += (qd.empty() ? "" : "; ") + B + " " + x;
      }
      for (const char* meth : kMethods)
        if (const json* c = d.cell(b, meth); d.ok(c) && psnr(c) < unrelated)
          lost.push_back(B + " " + label(meth) + " (" + fmt(psnr(c), 2) + " dB)");
      if (d.ok(mx) && d.ok(ca))
        mixed += (mixed.empty() ? "" : "; ") + B + " " + signed_fmt(psnr(mx) - psnr(ca), 2) + " dB PSNR, " +
                 signed_fmt(sqnr(mx) - sqnr(ca), 2) + " dB SQNR";
    }
    std::string text = "What this shows:";
    if (!cal.empty()) text += " calibration against the data-free default (search) at the same size: " + cal + ".";
    if (!mixed.empty()) text += " Mixed precision against plain calibrated at the same size: " + mixed + ".";
    if (!qd.empty())
      text += " ArrowQuant against the Q-DiT baseline at the same size, final-sample PSNR / noise-prediction SQNR in dB "
              "(positive: ArrowQuant closer to the float model): " + qd + ".";
    if (text.size() > 16) s.paragraphs.push_back(text);
    auto list = [&](std::string head, const std::vector<std::string>& v) {
      if (v.empty()) return;
      for (const auto& x : v) head += " " + x + ";";
      head.back() = '.';
      s.paragraphs.push_back(head);
    };
    list("CALIBRATED WORSE THAN UNCALIBRATED at the same size, in at least one of the two figures:", worse_cal);
    list("The default range search is worse end to end than min-max at the same size, in at least one of the two "
         "figures, although its weight SQNR (all quantized tensors) is the higher one:", worse_search);
    list("Final samples no closer to the float model's than two different float samples are to each other (" +
         fmt(unrelated, 2) + " dB, the pooled PSNR between the " + fmt(num_at(&j, "reference", "pairs"), 0) +
         " ordered pairs of different float samples of this run): nothing of the float model's images is left in",
         lost);
  }

  // Charts: PSNR against size; SQNR per bucket at INT4 (or the lowest bits measured above 2).
  {
    svg::Chart c;
    c.title = "Final-sample PSNR against the float model, MNIST DDPM";
    c.x.label = "bits per weight over the quantized tensors";
    c.y.label = "PSNR dB";
    for (const char* meth : kMethods) {
      auto se = svg::make_series(label(meth), svg::Style::Line);
      se.dashed = std::string(meth) == "qdit";
      for (int b : bits)
        if (const json* cl = d.cell(b, meth); d.ok(cl)) {
          se.x.push_back(num(*cl, "bpw_quantized"));
          se.y.push_back(num_at(cl, "final", "psnr_db"));
        }
      if (!se.x.empty()) c.series.push_back(se);
    }
    if (!c.series.empty()) s.images.push_back(write_chart(assets, prefix, "e2e_quality_psnr.svg", c));

    int pick = 0;
    for (int b : bits)
      if (b == 4) pick = 4;
    if (!pick && !bits.empty()) pick = bits.front();
    svg::Chart p;
    p.title = "Noise-prediction SQNR per timestep bucket, INT" + std::to_string(pick);
    p.x.label = "training timestep (1000 = pure noise)";
    p.y.label = "SQNR dB";
    for (std::size_t i = 0; i + 1 < edges.size(); ++i)
      p.x.categories.push_back(std::to_string(edges[i]) + "-" + std::to_string(edges[i + 1] - 1));
    for (const char* meth : kMethods) {
      const json* cl = d.cell(pick, meth);
      if (!d.ok(cl)) continue;
      auto se = svg::make_series(label(meth), svg::Style::Line);
      se.dashed = std::string(meth) == "qdit";
      for (std::size_t i = 0; i + 1 < edges.size(); ++i)
        for (const auto& r : arr((*cl)["eps"], "buckets"))
          if (r.value("t_from", -1) == edges[i]) {
            se.x.push_back(double(i));
            se.y.push_back(num(r, "sqnr_db"));
          }
      p.series.push_back(se);
    }
    if (!p.series.empty() && !p.x.categories.empty())
      s.images.push_back(write_chart(assets, prefix, "e2e_quality_buckets.svg", p));
  }

  // Commands.
  {
    aq::ReportTable t;
    t.title = "Commands (from the repository root, in this order)";
    t.header = {"Cell", "Quantize command", "Seconds (all of the cell's commands)"};
    if (j.contains("calibration"))
      t.rows.push_back({"calibration file", str(j["calibration"], "command"), fmt(num(j["calibration"], "seconds"), 1)});
    std::string example;
    for (int b : bits)
      for (const char* meth : kMethods) {
        const json* c = d.cell(b, meth);
        if (!c || str(*c, "status") == "not available") continue;
        const json& cmds = arr(*c, "commands");
        std::string first = cmds.empty() ? "" : cmds[0].get<std::string>();
        if (str(*c, "status") != "ok") first += " (failed: " + str(*c, "error") + ")";
        if (example.empty() && cmds.size() == 3 && std::string(meth) != "qdit")
          example = "INT" + std::to_string(b) + " " + label(meth) + ": " + cmds[1].get<std::string>() + " ; then " +
                    cmds[2].get<std::string>();
        t.rows.push_back({"INT" + std::to_string(b) + " " + label(meth), first, fmt(num(*c, "seconds"), 1)});
      }
    if (!example.empty())
      s.paragraphs.push_back("Each ArrowQuant output was then dequantized to F32 and evaluated (the Q-DiT baseline writes "
                             "F32 weights itself and is only evaluated), e.g. for " + example +
                             ". The other cells differ only in the file names; e2e_quality.json lists every command "
                             "of every cell.");
    s.tables.push_back(t);
  }
  return s;
}

}  // namespace aqb
