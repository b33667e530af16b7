package driver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spate-io/spate/engine"
	"github.com/spate-io/spate/engine/plan"
)

// apiError is an error with the HTTP status and code the API answers it
// with.
type apiError struct {
	status int
	code   string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func refuse(status int, format string, args ...any) *apiError {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// decodePlan reads a submitted plan: malformed JSON is 400, a plan of
// another format version or one that does not decode is 422.
func decodePlan(body []byte) (*plan.Query, error) {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return nil, refuse(http.StatusBadRequest, "driver: the submitted body is not valid JSON (%v); submit the output of `<job> plan`", err)
	}
	switch {
	case head.Version == nil:
		return nil, refuse(http.StatusUnprocessableEntity, "driver: the submitted JSON is not a plan (it has no \"version\" field); submit the output of `<job> plan`")
	case *head.Version != plan.Version:
		return nil, refuse(http.StatusUnprocessableEntity,
			"driver: plan version %d is not supported: this driver reads plan version %d; build the job with the spate version the driver runs", *head.Version, plan.Version)
	}
	q, err := plan.Unmarshal(body)
	if err != nil {
		return nil, refuse(http.StatusUnprocessableEntity, "driver: the plan does not decode: %v", err)
	}
	return q, nil
}

// checkShape refuses plans the driver cannot run, without asking anyone.
func checkShape(q *plan.Query) error {
	switch {
	case q.Name == "":
		return refuse(http.StatusUnprocessableEntity, "driver: the plan has no name; name the query (engine.NewSession(name) or QueryName)")
	case strings.ContainsAny(q.Name, "/\\") || strings.TrimSpace(q.Name) != q.Name:
		return refuse(http.StatusUnprocessableEntity, "driver: query name %q may not contain slashes or surrounding spaces", q.Name)
	case q.Sink == nil:
		return refuse(http.StatusUnprocessableEntity, "driver: query %q has no sink; end the job with WriteStream(...)", q.Name)
	case q.Checkpoint == "":
		return refuse(http.StatusUnprocessableEntity,
			"driver: query %q has no checkpoint location; a query run by the driver needs one to resume after a restart: set Checkpoint(dir) in the job or pass --checkpoint DIR", q.Name)
	case len(q.Sources) == 0:
		return refuse(http.StatusUnprocessableEntity, "driver: query %q reads no source", q.Name)
	}
	for i, s := range q.Sources {
		if !s.Streaming {
			return refuse(http.StatusUnprocessableEntity, "driver: query %q: source %d (%s) is static; the driver runs streaming queries", q.Name, i, s.Kind)
		}
	}
	snk, err := engine.DecodeSink(q.Sink.Kind, q.Sink.Options)
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "driver: query %q: %v", q.Name, err)
	}
	if _, ok := snk.(engine.StreamSink); !ok {
		return refuse(http.StatusUnprocessableEntity, "driver: query %q: sink %s cannot be written by a streaming query", q.Name, q.Sink.Kind)
	}
	return nil
}

// checkUDFs refuses a plan calling a UDF that no live executor has.
func checkUDFs(q *plan.Query, execs *executors) error {
	missing := execs.missingUDFs(plan.UDFs(q))
	if len(missing) == 0 {
		return nil
	}
	return refuse(http.StatusUnprocessableEntity,
		"driver: query %q calls UDF %s, which no live executor has (%d live); run executors built with it: a custom spate build that imports the UDF's package",
		q.Name, strings.Join(missing, ", "), execs.alive())
}

// checkSources opens every source's stream and lists its latest offsets,
// refusing a source that cannot be reached and a subscribed topic that
// does not exist.
func checkSources(ctx context.Context, q *plan.Query) error {
	for i, s := range q.Sources {
		if err := checkSource(ctx, q.Name, i, s); err != nil {
			return err
		}
	}
	return nil
}

func checkSource(ctx context.Context, name string, i int, s plan.Source) error {
	src, err := engine.DecodeSource(s.Kind, s.Options)
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "driver: query %q: %v", name, err)
	}
	ss, ok := src.(engine.StreamSource)
	if !ok {
		return refuse(http.StatusUnprocessableEntity, "driver: query %q: source %d (%s) cannot be read in micro-batches", name, i, s.Kind)
	}
	st, err := ss.OpenStream(ctx)
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "driver: query %q: cannot open source %d (%s): %v", name, i, s.Kind, err)
	}
	defer st.Close()
	// A topic created a moment ago may not have reached the broker that
	// answers yet (in a cluster, metadata spreads through the controller's
	// log): look again for a little while before calling it missing.
	deadline := time.Now().Add(topicVisibleWait)
	for {
		latest, err := st.LatestOffsets(ctx)
		if err != nil {
			return refuse(http.StatusUnprocessableEntity, "driver: query %q: cannot list the offsets of source %d (%s): %v", name, i, s.Kind, err)
		}
		missing := missingTopics(s.Options, latest)
		if len(missing) == 0 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return refuse(http.StatusUnprocessableEntity,
				"driver: query %q reads topic %s, which does not exist; create it first (spate topic create %s) or fix the topic name in the job",
				name, strings.Join(missing, ", "), missing[0])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// topicVisibleWait is how long a submit waits for a missing topic to appear.
const topicVisibleWait = 3 * time.Second

// missingTopics lists the topics a source subscribes to by name
// (options {"subscribe": [...]}, as the Kafka source writes them) that
// have no partition in the latest offsets.
func missingTopics(options json.RawMessage, latest map[string]map[int32]int64) []string {
	var o struct {
		Subscribe []string `json:"subscribe"`
	}
	if json.Unmarshal(options, &o) != nil {
		return nil
	}
	var missing []string
	for _, t := range o.Subscribe {
		if len(latest[t]) == 0 && !slices.Contains(missing, t) {
			missing = append(missing, t)
		}
	}
	return missing
}

// pathWarnings warns of relative checkpoint and sink paths: the driver and
// the executors resolve them in their own working directories, which need
// not be the submitter's.
func pathWarnings(q *plan.Query) []string {
	var warns []string
	if !filepath.IsAbs(q.Checkpoint) {
		warns = append(warns, fmt.Sprintf("the checkpoint location %q is relative: the driver resolves it in its own working directory; prefer an absolute path", q.Checkpoint))
	}
	var o struct {
		Path string `json:"path"`
	}
	if q.Sink != nil && json.Unmarshal(q.Sink.Options, &o) == nil && o.Path != "" && !filepath.IsAbs(o.Path) {
		warns = append(warns, fmt.Sprintf("the %s sink's path %q is relative: each executor resolves it in its own working directory; prefer an absolute path", q.Sink.Kind, o.Path))
	}
	return warns
}
