package dev.shale.lsm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Runs operations on N threads, timing every one into a per-thread {@link LatencyHistogram}, and
 * reports the merged result. Threads start together after each has built its worker, so setup is
 * not timed; the phase ends when the last thread finishes its share or the deadline passes.
 */
final class TimedPhase {
  private TimedPhase() {}

  /** One thread's operations. Built on its own thread; never shared. */
  interface Worker {
    /**
     * Performs operation number {@code i} (unique across threads, {@code 0..ops-1}); returns
     * whether it found what it looked for (reads).
     */
    boolean op(long i);
  }

  static PhaseResult run(
      String row, int threads, long totalOps, double durationSeconds, IntFunction<Worker> workers) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    long[] done = new long[threads];
    long[] found = new long[threads];
    long[] ends = new long[threads];
    LatencyHistogram[] histograms = new LatencyHistogram[threads];
    long[] deadline = new long[1];
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    List<Thread> started = new ArrayList<>();
    long per = totalOps / threads;
    for (int t = 0; t < threads; t++) {
      int index = t;
      long first = t * per;
      long count = t == threads - 1 ? totalOps - first : per;
      Thread thread =
          new Thread(
              () -> {
                LatencyHistogram h = new LatencyHistogram();
                histograms[index] = h;
                try {
                  Worker worker = workers.apply(index);
                  ready.countDown();
                  go.await();
                  long end = deadline[0];
                  long n = 0;
                  long hits = 0;
                  for (; n < count; n++) {
                    if ((n & 63) == 0 && end != 0 && System.nanoTime() > end) {
                      break;
                    }
                    long t0 = System.nanoTime();
                    boolean hit = worker.op(first + n);
                    h.record(System.nanoTime() - t0);
                    if (hit) {
                      hits++;
                    }
                  }
                  done[index] = n;
                  found[index] = hits;
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                  ready.countDown();
                } finally {
                  ends[index] = System.nanoTime();
                }
              },
              row + "-" + t);
      started.add(thread);
      thread.start();
    }
    long start;
    try {
      ready.await();
      start = System.nanoTime();
      deadline[0] = durationSeconds <= 0 ? 0 : start + (long) (durationSeconds * 1e9);
      go.countDown();
      for (Thread thread : started) {
        thread.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException(row + " failed: " + error, error);
    }
    LatencyHistogram merged = new LatencyHistogram();
    long ops = 0;
    long hits = 0;
    long last = start;
    for (int t = 0; t < threads; t++) {
      merged.add(histograms[t]);
      ops += done[t];
      hits += found[t];
      last = Math.max(last, ends[t]);
    }
    return PhaseResult.of(row, ops, last - start, hits, merged);
  }
}
