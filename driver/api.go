package driver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes is the driver's HTTP surface; docs/api.md documents it.
func (d *Driver) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", d.statusPage)
	mux.Handle("GET /metrics", promhttp.HandlerFor(d.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", d.healthz)
	mux.HandleFunc("POST /api/v1/queries", d.submitQuery)
	mux.HandleFunc("GET /api/v1/queries", d.listQueries)
	mux.HandleFunc("GET /api/v1/queries/{name}", d.queryStatus)
	mux.HandleFunc("GET /api/v1/queries/{name}/progress", d.queryProgress)
	mux.HandleFunc("POST /api/v1/queries/{name}/stop", d.stopQuery)
	mux.HandleFunc("POST /api/v1/queries/{name}/restart", d.restartQuery)
	mux.HandleFunc("GET /api/v1/executors", d.listExecutors)
	mux.HandleFunc("POST /api/v1/executors", d.registerExecutor)
	mux.HandleFunc("POST /api/v1/executors/{id}/heartbeat", d.heartbeat)
	mux.HandleFunc("DELETE /api/v1/executors/{id}", d.leave)
	return mux
}

func (d *Driver) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "version": d.cfg.Version, "executors": d.execs.alive()})
}

func (d *Driver) submitQuery(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, d.cfg.MaxSubmitBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			d.writeError(w, refuse(http.StatusRequestEntityTooLarge, "driver: the submitted plan is over %d bytes; a plan is a few kilobytes: is this the plan JSON?", d.cfg.MaxSubmitBytes))
			return
		}
		d.writeError(w, refuse(http.StatusBadRequest, "driver: reading the submitted plan: %v", err))
		return
	}
	resp, err := d.queries.submit(r.Context(), body)
	if err != nil {
		d.log.Warn("driver: submit refused", "from", r.RemoteAddr, "err", err)
		d.writeError(w, err)
		return
	}
	status := http.StatusCreated
	if resp.Resubmitted {
		status = http.StatusOK
	}
	writeJSON(w, status, resp)
}

func (d *Driver) listQueries(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, d.queries.list())
}

func (d *Driver) queryStatus(w http.ResponseWriter, r *http.Request) {
	mq, err := d.queries.get(r.PathValue("name"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, mq.status())
}

func (d *Driver) queryProgress(w http.ResponseWriter, r *http.Request) {
	mq, err := d.queries.get(r.PathValue("name"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	recent := mq.recentProgress()
	if s := r.URL.Query().Get("n"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			d.writeError(w, refuse(http.StatusBadRequest, "driver: n=%q: want a positive number of batches", s))
			return
		}
		recent = recent[max(0, len(recent)-n):]
	}
	writeJSON(w, http.StatusOK, recent)
}

func (d *Driver) stopQuery(w http.ResponseWriter, r *http.Request) {
	st, err := d.queries.stop(r.PathValue("name"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (d *Driver) restartQuery(w http.ResponseWriter, r *http.Request) {
	resp, err := d.queries.restart(r.PathValue("name"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (d *Driver) listExecutors(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, d.execs.list())
}

func (d *Driver) registerExecutor(w http.ResponseWriter, r *http.Request) {
	var req RegisterRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		d.writeError(w, refuse(http.StatusBadRequest, "driver: the registration is not valid JSON: %v", err))
		return
	}
	if err := d.checkRegistration(req); err != nil {
		d.log.Warn("driver: executor refused", "executor", req.Name, "from", r.RemoteAddr, "err", err)
		d.writeError(w, err)
		return
	}
	info := d.execs.register(req)
	writeJSON(w, http.StatusOK, RegisterResponse{ID: info.ID, DriverVersion: d.cfg.Version,
		HeartbeatIntervalMs: d.cfg.HeartbeatInterval.Milliseconds(), Gossip: d.gossipAddr()})
}

// checkRegistration refuses an executor of another version or one that
// does not say where to send tasks.
func (d *Driver) checkRegistration(req RegisterRequest) error {
	if req.Version != d.cfg.Version {
		return &apiError{status: http.StatusConflict, code: CodeVersionMismatch, msg: fmt.Sprintf(
			"driver: executor %s runs spate %s but this driver runs spate %s; run the same spate build on the driver and every executor",
			req.Name, req.Version, d.cfg.Version)}
	}
	if req.Name == "" {
		return refuse(http.StatusBadRequest, "driver: the registration has no executor name")
	}
	if _, _, err := net.SplitHostPort(req.Addr); err != nil {
		return refuse(http.StatusBadRequest, "driver: executor %s gave no usable task address (%q is not host:port)", req.Name, req.Addr)
	}
	if req.Slots < 1 {
		return refuse(http.StatusBadRequest, "driver: executor %s offers %d slots; it needs at least 1", req.Name, req.Slots)
	}
	return nil
}

func (d *Driver) heartbeat(w http.ResponseWriter, r *http.Request) {
	if err := d.execs.heartbeat(r.PathValue("id")); err != nil {
		d.writeError(w, &apiError{status: http.StatusNotFound, code: CodeUnknownExecutor, msg: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

func (d *Driver) leave(w http.ResponseWriter, r *http.Request) {
	d.execs.leave(r.PathValue("id"))
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// writeError answers with an error body: an apiError's status and code,
// 500 for anything else.
func (d *Driver) writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeJSON(w, ae.status, ErrorBody{Error: ae.msg, Code: ae.code})
		return
	}
	d.log.Error("driver: request failed", "err", err)
	writeJSON(w, http.StatusInternalServerError, ErrorBody{Error: err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
