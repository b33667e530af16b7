package driver

import (
	_ "embed"
	"html/template"
	"net/http"
	"time"
)

//go:embed status_page.html
var statusPageHTML string

var statusPageTmpl = template.Must(template.New("status").Parse(statusPageHTML))

// statusRow is one query on the status page.
type statusRow struct {
	QueryStatus
	Spark   string // polyline points of rows/s over the recent batches
	PeakRPS float64
}

// statusPage serves / : the queries with their last progress and a
// sparkline of processed rows/s, and the executors. Plain HTML that
// refreshes itself; no script, no build step.
func (d *Driver) statusPage(w http.ResponseWriter, _ *http.Request) {
	var rows []statusRow
	for _, st := range d.queries.list() {
		row := statusRow{QueryStatus: st}
		if mq, err := d.queries.get(st.Name); err == nil {
			var rps []float64
			for _, p := range mq.recentProgress() {
				rps = append(rps, p.ProcessedRowsPerSecond)
				row.PeakRPS = max(row.PeakRPS, p.ProcessedRowsPerSecond)
			}
			row.Spark = sparkline(rps, 160, 28)
		}
		rows = append(rows, row)
	}
	data := map[string]any{"Version": d.cfg.Version, "Addr": d.Addr(), "Now": time.Now().UTC().Format(time.RFC3339),
		"Queries": rows, "Executors": d.execs.list()}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := statusPageTmpl.Execute(w, data); err != nil {
		d.log.Warn("driver: rendering the status page", "err", err)
	}
}
