package driver

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/spate-io/spate/engine"
)

// metrics are the driver's Prometheus metrics, served at /metrics. Each
// driver has its own registry, so several drivers in one test process do
// not collide.
type metrics struct {
	reg *prometheus.Registry

	rowsIn, rowsOut, batches *prometheus.CounterVec
	batchSeconds             *prometheus.HistogramVec
	behind                   *prometheus.GaugeVec
	running                  *prometheus.GaugeVec
	executors                prometheus.Gauge

	tasksStarted, tasksFailed, tasksRetried prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	q := []string{"query"}
	m.rowsIn = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "spate_query_input_rows_total", Help: "Rows read by committed batches."}, q)
	m.rowsOut = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "spate_query_output_rows_total", Help: "Rows written to the sink by committed batches."}, q)
	m.batches = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "spate_query_batches_total", Help: "Committed batches."}, q)
	m.batchSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "spate_query_batch_duration_seconds",
		Help: "Time from planning a batch to its commit.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 14)}, q)
	m.behind = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "spate_query_offsets_behind_latest",
		Help: "Offsets between the last committed batch's end and the latest offset seen, per partition."}, []string{"query", "topic", "partition"})
	m.running = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "spate_query_running", Help: "1 while the query runs, 0 when stopped or failed."}, q)
	m.executors = prometheus.NewGauge(prometheus.GaugeOpts{Name: "spate_executors_alive", Help: "Live executors."})
	m.tasksStarted = prometheus.NewCounter(prometheus.CounterOpts{Name: "spate_tasks_started_total", Help: "Task attempts sent to executors."})
	m.tasksFailed = prometheus.NewCounter(prometheus.CounterOpts{Name: "spate_tasks_failed_total", Help: "Task attempts that failed."})
	m.tasksRetried = prometheus.NewCounter(prometheus.CounterOpts{Name: "spate_tasks_retried_total", Help: "Failed task attempts tried again."})
	m.reg.MustRegister(m.rowsIn, m.rowsOut, m.batches, m.batchSeconds, m.behind, m.running, m.executors,
		m.tasksStarted, m.tasksFailed, m.tasksRetried,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe records a committed batch.
func (m *metrics) observe(p engine.Progress) {
	m.rowsIn.WithLabelValues(p.Name).Add(float64(p.NumInputRows))
	m.rowsOut.WithLabelValues(p.Name).Add(float64(p.Sink.NumOutputRows))
	m.batches.WithLabelValues(p.Name).Inc()
	m.batchSeconds.WithLabelValues(p.Name).Observe(float64(p.BatchDuration) / 1000)
	for _, s := range p.Sources {
		for _, tp := range s.LatestOffset.Partitions() {
			latest, _ := s.LatestOffset.Get(tp.Topic, tp.Partition)
			end, _ := s.EndOffset.Get(tp.Topic, tp.Partition)
			m.behind.WithLabelValues(p.Name, tp.Topic, strconv.Itoa(int(tp.Partition))).Set(float64(max(latest-end, 0)))
		}
	}
}

// setRunning records whether a query runs.
func (m *metrics) setRunning(name string, running bool) {
	v := 0.0
	if running {
		v = 1
	}
	m.running.WithLabelValues(name).Set(v)
}
