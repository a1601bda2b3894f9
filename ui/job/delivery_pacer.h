#pragma once
// How often a running job's events reach the GUI thread. Applying a batch to the table and the
// charts, and repainting them, costs the GUI thread CPU time that the job, on a machine with few
// cores, would otherwise have: the pacer measures that cost (the GUI thread's CPU time since the
// last delivery, or since the job started: the window's preparations and their repaint) and spaces
// deliveries so that live updates take at most kGuiShare of one core. Where updates are cheap
// they come up to 20 times a second; where they are dear, less often.
//
// A run's first delivery is the dearest (it empties and refills the table and every chart) and
// comes kFirstIntervalMs into the run at the earliest: a shorter run is shown once, at its end,
// not twice within a fraction of a second, each time at the cost of the job's cores.
namespace aqui {

class DeliveryPacer {
 public:
  static constexpr int kMinIntervalMs = 50;   // at most 20 deliveries a second
  static constexpr int kMaxIntervalMs = 500;  // the charts still move twice a second
  static constexpr int kFirstIntervalMs = 200;
  static constexpr double kGuiShare = 0.05;

  /// A job starts (call on the GUI thread).
  void reset();
  /// A delivery is made now (on the GUI thread).
  void delivered();
  /// How long after the last delivery (or the start) the next one may come, from the GUI
  /// thread's CPU time since then (call on the GUI thread).
  int intervalMs() const;

 private:
  double lastCpuS_ = 0;
  bool delivered_ = false;  // in this run
};

/// CPU time the calling thread has used, in seconds.
double threadCpuSeconds();

}  // namespace aqui
