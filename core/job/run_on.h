#pragma once
// The job itself, shared by run_job() and Session::run(): on the session the caller holds, or,
// when `held` is null, on one opened from config.input (after the config's own checks, as before
// any session existed). Never throws.
#include "job/job.h"

namespace aq {

class Session;

JobResult run_on(const Session* held, const JobConfig& config, JobObserver& observer, const CancelToken& cancel);

}  // namespace aq
