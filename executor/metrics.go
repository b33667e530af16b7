package executor

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/spate-io/spate/engine"
)

// metrics are the executor's Prometheus metrics, served at /metrics.
type metrics struct {
	reg             *prometheus.Registry
	running         prometheus.Gauge
	tasks           *prometheus.CounterVec
	rowsIn, rowsOut prometheus.Counter
	taskSeconds     prometheus.Histogram
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.running = prometheus.NewGauge(prometheus.GaugeOpts{Name: "spate_executor_tasks_running", Help: "Tasks running now."})
	m.tasks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "spate_executor_tasks_total", Help: "Tasks run, by result."}, []string{"result"})
	m.rowsIn = prometheus.NewCounter(prometheus.CounterOpts{Name: "spate_executor_input_rows_total", Help: "Rows read by successful tasks."})
	m.rowsOut = prometheus.NewCounter(prometheus.CounterOpts{Name: "spate_executor_output_rows_total", Help: "Rows written by successful tasks."})
	m.taskSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "spate_executor_task_duration_seconds",
		Help: "Run time of successful tasks.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)})
	m.reg.MustRegister(m.running, m.tasks, m.rowsIn, m.rowsOut, m.taskSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(r engine.TaskResult) {
	m.tasks.WithLabelValues("ok").Inc()
	m.rowsIn.Add(float64(r.RowsIn))
	m.rowsOut.Add(float64(r.RowsOut))
	m.taskSeconds.Observe(float64(r.DurationMs) / 1000)
}
