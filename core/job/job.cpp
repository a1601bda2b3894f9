#include "job/job.h"

#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <tbb/task_scheduler_observer.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <exception>

#include "io/file_stamp.h"
#include "io/output_formats.h"
#include "job/job_context.h"
#include "job/run_on.h"
#include "job/session.h"
#include "quant/scheme_traits.h"
#include "job/memory_sampler.h"
#include "sys/memory.h"

namespace aq {

std::string_view mode_name(Mode m) { return m == Mode::Streaming ? "streaming" : "batch"; }

std::string_view status_name(JobStatus s) {
  switch (s) {
    case JobStatus::Succeeded: return "succeeded";
    case JobStatus::Failed: return "failed";
    case JobStatus::Cancelled: return "cancelled";
  }
  return "?";
}

int resolve_threads(int requested) {
  const int all = tbb::info::default_concurrency();
  return requested > 0 ? std::min(requested, 4 * all) : all;
}

namespace {

void log_plan(JobContext& ctx) {
  const auto& tensors = ctx.source->tensors();
  for (const auto& p : ctx.plan.tensors)
    ctx.log(LogLevel::Info, (p.quantized() ? "quantize " : "keep ") + tensors[p.index].name + ": " + p.reason);
  for (const auto& w : ctx.source->warnings()) ctx.log(LogLevel::Warning, w);
}

void run_streaming(JobContext& ctx) {
  const auto& tensors = ctx.source->tensors();
  for (std::size_t i = 0; i < tensors.size() && !ctx.should_stop(); ++i) {
    const uint64_t row_bytes = std::max<uint64_t>(1, tensors[i].row_bytes());
    const int64_t block_rows = std::max<int64_t>(1, int64_t(ctx.config.block_bytes / row_bytes));
    process_tensor(ctx, i, block_rows, /*release=*/true);
  }
}

void run_batch(JobContext& ctx) {
  tbb::parallel_for(std::size_t(0), ctx.source->tensors().size(), [&](std::size_t i) {
    if (!ctx.should_stop()) process_tensor(ctx, i, 0, /*release=*/false);
  });
}

// Lowers the scheduling priority of every thread that works in the job's arena. On a machine with
// few cores this keeps an interactive thread (the GUI's) responsive while the job uses all cores.
class NiceWorkers : public tbb::task_scheduler_observer {
 public:
  NiceWorkers(tbb::task_arena& arena, int nice) : tbb::task_scheduler_observer(arena), nice_(nice) {
    if (nice_ > 0) observe(true);
  }
  ~NiceWorkers() override { observe(false); }
  void on_scheduler_entry(bool) override {
    setpriority(PRIO_PROCESS, id_t(::syscall(SYS_gettid)), nice_);  // Linux: per-thread nice
  }

 private:
  int nice_;
};

// The scheme and every user rule's, checked against the scheme table before anything is opened.
Status validate_config(const JobConfig& config) {
  if (auto s = validate(config.plan.scheme); !s) return s;
  for (const auto& rule : config.plan.rules) {
    if (rule.keep) continue;
    if (auto v = validate(scheme_for_rule(config.plan.scheme, rule)); !v)
      return make_error(ErrorKind::BadArgument, "", "", "rule '" + rule.pattern + "': " + v.error().reason);
  }
  return {};
}

void run_stages(JobContext& ctx, JobResult& result, JobObserver& observer, const Session* held) {
  if (auto s = validate_config(ctx.config); !s) return ctx.fail(s.error());
  std::optional<Session> opened;  // run_job's own session
  if (!held) {
    auto session = Session::open(ctx.config.input, ctx.config.open);
    if (!session) return ctx.fail(session.error());
    held = &opened.emplace(std::move(*session));
  } else if (auto s = held->check_unchanged(); !s) {  // a held model may have been open for a while
    return ctx.fail(s.error());
  }
  ctx.source = held->shared_source();
  std::vector<OutputTarget> outputs = ctx.config.side_outputs;
  if (!ctx.config.output.empty()) outputs.insert(outputs.begin(), {ctx.config.output, "output"});
  auto inputs = held->input_files();
  if (ctx.config.calibration.enabled()) inputs.push_back(ctx.config.calibration.file);
  if (auto s = check_outputs(outputs, inputs); !s) return ctx.fail(s.error());
  // The source's files were stamped when the session opened them; the calibration file now.
  auto stamps = held->stamps();
  if (ctx.config.calibration.enabled())
    for (auto& s : stamp_files({ctx.config.calibration.file})) stamps.push_back(std::move(s));
  auto planned = held->plan(ctx.config.plan, ctx.config.calibration, ctx.config.budget, ctx.kernels, ctx.gptq_math);
  if (!planned) return ctx.fail(planned.error());
  ctx.plan = std::move(planned->plan);
  ctx.calibration = std::move(planned->calibration);
  for (const auto& w : planned->warnings) ctx.log(LogLevel::Warning, w);
  for (const auto& n : planned->notes) ctx.log(LogLevel::Info, n);
  const OutputFormat* output_format = nullptr;
  if (!ctx.config.output.empty()) {
    auto format = choose_output_format(ctx.config.output, ctx.plan);
    if (!format) return ctx.fail(format.error());
    output_format = *format;
    if (output_format->id == "gguf" && ctx.plan.gguf_architecture.empty())
      ctx.log(LogLevel::Warning, "GGUF: no general.architecture for a " + std::string(family_name(ctx.plan.family)) +
                                     " model; ComfyUI-GGUF loads such a file in stable-diffusion.cpp compatibility mode "
                                     "(name one with --arch)");
  }
  result.source_format = std::string(ctx.source->format());
  result.family = ctx.plan.family;
  result.input_bytes = ctx.plan.input_bytes;
  result.output_bytes = ctx.plan.output_bytes;
  result.params = ctx.plan.quantized_params + ctx.plan.kept_params;
  result.quantized_params = ctx.plan.quantized_params;
  result.budget = ctx.plan.budget;
  observer.on_plan(*ctx.source, ctx.plan);
  log_plan(ctx);
  if (!ctx.plan.shrinks()) ctx.log(LogLevel::Warning, ctx.plan.size_warning());  // kept in result.warnings too

  if (!ctx.config.output.empty()) {
    auto writer = output_format->open(ctx.config.output, *ctx.source, ctx.plan);
    if (!writer) return ctx.fail(writer.error());
    ctx.writer = std::move(*writer);
  }

  tbb::task_arena arena(result.threads);
  arena.initialize();  // an observer attaches to an initialized arena
  NiceWorkers nice(arena, ctx.config.worker_nice);
  arena.execute([&] {
    if (ctx.config.mode == Mode::Streaming)
      run_streaming(ctx);
    else
      run_batch(ctx);
  });
  if (!ctx.failed() && ctx.cancel.cancelled())
    ctx.fail(make_error(ErrorKind::Cancelled, "", "", "cancelled by the user"));
  // Results computed from a file that changed under us are not results.
  if (!ctx.failed())
    if (auto s = verify_unchanged(stamps); !s) ctx.fail(s.error());

  if (ctx.writer) {
    if (ctx.failed()) {
      ctx.writer->abort();
    } else if (auto size = ctx.writer->commit(); size) {
      result.output_file_bytes = *size;
    } else {
      ctx.fail(size.error());
    }
    ctx.writer.reset();
  }
}

}  // namespace

JobResult run_job(const JobConfig& config, JobObserver& observer, const CancelToken& cancel) {
  return run_on(nullptr, config, observer, cancel);
}

JobResult run_on(const Session* held, const JobConfig& config, JobObserver& observer, const CancelToken& cancel) {
  JobResult result;
  result.config = config;
  result.threads = resolve_threads(config.threads);
  JobContext ctx(config, observer, cancel, result);
  result.kernels = ctx.kernels.name;
  {
    MemorySampler sampler(config.memory_sample_ms, [&](const MemorySample& s) { ctx.memory(s); });
    try {
      run_stages(ctx, result, observer, held);
    } catch (const std::bad_alloc&) {
      ctx.fail(make_error(ErrorKind::Io, config.input.string(), "", "out of memory"));
    } catch (const std::exception& e) {
      ctx.fail(make_error(ErrorKind::Internal, config.input.string(), "", e.what()));
    }
    if (ctx.writer) ctx.writer->abort();
    sampler.stop();
  }
  std::sort(result.tensors.begin(), result.tensors.end(),
            [](const TensorResult& a, const TensorResult& b) { return a.index < b.index; });
  result.wall_s = ctx.elapsed();
  result.peak_rss = read_process_memory().peak;
  if (auto err = ctx.first_error()) {
    result.error = *err;
    if (result.error.file.empty() && result.error.kind == ErrorKind::Cancelled) result.error.file = config.input.string();
    result.status = err->kind == ErrorKind::Cancelled ? JobStatus::Cancelled : JobStatus::Failed;
    // A cancel is the user's choice, not a failure: it is not logged as an error.
    if (result.status == JobStatus::Cancelled)
      observer.on_log(LogLevel::Info, "run cancelled by the user; no output written");
    else
      observer.on_log(LogLevel::Error, result.error.message());
  } else {
    result.status = JobStatus::Succeeded;
  }
  return result;
}

}  // namespace aq
