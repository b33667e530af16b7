package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spate-io/spate/engine/plan"
)

// Main is the end of a job program: it gives the program three verbs,
//
//	job run    [flags]                 run the query here (local mode) until stopped
//	job plan   [flags]                 print the query's plan JSON
//	job submit --driver ADDR [flags]   send the plan to a driver
//
// The program's own flags (declared on flag.CommandLine before Main) are
// parsed after the verb, together with --checkpoint, --trigger (a
// duration such as 1s, 0, available-now or once) and, for submit, --driver.
// build is called after parsing, so it sees the flags' values. Main exits
// the process: 0 when the query ends cleanly, 1 on error.
func Main(build func() *StreamWriter) {
	os.Exit(mainCode(os.Args[1:], build, os.Stdout, os.Stderr))
}

// mainFlags are the flags Main adds to the program's.
type mainFlags struct {
	checkpoint, trigger, driver, output string
	duration                            time.Duration
}

func mainCode(args []string, build func() *StreamWriter, stdout, stderr io.Writer) int {
	verb, rest := "", args
	if len(args) > 0 {
		verb, rest = args[0], args[1:]
	}
	var mf mainFlags
	fs := flag.CommandLine
	fs.SetOutput(stderr)
	fs.StringVar(&mf.checkpoint, "checkpoint", "", "checkpoint location (overrides the job's)")
	fs.StringVar(&mf.trigger, "trigger", "", "trigger: a processing-time interval (1s, 0), available-now or once")
	fs.StringVar(&mf.driver, "driver", "", "driver address for submit (host:port or http://host:port)")
	fs.StringVar(&mf.output, "o", "text", "run: progress as text or json lines")
	fs.DurationVar(&mf.duration, "duration", 0, "run: stop after this long (0: until interrupted or done)")
	switch verb {
	case "run", "plan", "submit":
	default:
		fmt.Fprintf(stderr, "usage: %s run|plan|submit [flags]\n\n  run     run the query in this process until stopped\n  plan    print the plan JSON\n  submit  send the plan to a driver (--driver ADDR)\n\nflags:\n", progName())
		fs.PrintDefaults()
		if verb == "" || verb == "-h" || verb == "--help" || verb == "help" {
			return 0
		}
		fmt.Fprintf(stderr, "\nunknown verb %q\n", verb)
		return 2
	}
	if err := fs.Parse(rest); err != nil {
		return 2
	}
	if err := runVerb(verb, mf, build, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "%s %s: %v\n", progName(), verb, err)
		return 1
	}
	return 0
}

func runVerb(verb string, mf mainFlags, build func() *StreamWriter, stdout, stderr io.Writer) error {
	w := build()
	if w == nil {
		return errors.New("the job built no query")
	}
	if mf.checkpoint != "" {
		w.Checkpoint(mf.checkpoint)
	}
	if mf.trigger != "" {
		t, err := ParseTrigger(mf.trigger)
		if err != nil {
			return err
		}
		w.Trigger(t)
	}
	q, err := w.Plan()
	if err != nil {
		return err
	}
	switch verb {
	case "plan":
		b, err := plan.Marshal(q)
		if err != nil {
			return err
		}
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", "  "); err != nil {
			return err
		}
		out.WriteByte('\n')
		_, err = stdout.Write(out.Bytes())
		return err
	case "submit":
		return submitPlan(mf.driver, q, stdout)
	}
	return runLocal(w, q, mf, stdout, stderr)
}

// ParseTrigger reads a trigger from the command line: a processing-time
// interval ("1s", "0"), "available-now" or "once".
func ParseTrigger(s string) (Trigger, error) {
	switch strings.ToLower(s) {
	case "available-now", "availablenow":
		return AvailableNow(), nil
	case "once":
		return Once(), nil
	case "0":
		return ProcessingTime(0), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return Trigger{}, fmt.Errorf("bad trigger %q: want an interval like 1s, 0, available-now or once", s)
	}
	return ProcessingTime(d), nil
}

// runLocal runs the query here, printing a line (or a JSON object) per
// batch, until it ends, --duration passes or the process is interrupted.
func runLocal(w *StreamWriter, q *plan.Query, mf mainFlags, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if mf.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, mf.duration)
		defer cancel()
	}
	fault, err := killFaultFromEnv()
	if err != nil {
		return err
	}
	sq, err := w.runLocal(ctx, q, RunOptions{Fault: fault, OnProgress: func(p Progress) { printProgress(stdout, mf.output, p) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: query %s (id %s) running; Ctrl-C stops it\n", progName(), sq.Name(), sq.ID())
	<-sq.Done()
	return sq.Err()
}

func printProgress(out io.Writer, format string, p Progress) {
	if format == "json" {
		b, _ := json.Marshal(p)
		fmt.Fprintf(out, "%s\n", b)
		return
	}
	behind := ""
	for _, s := range p.Sources {
		if m := s.Metrics["maxOffsetsBehindLatest"]; m != "" {
			behind = " maxBehind=" + m
		}
	}
	fmt.Fprintf(out, "batch %d: %d rows in %d ms (%.0f rows/s)%s\n", p.BatchID, p.NumInputRows, p.BatchDuration, p.ProcessedRowsPerSecond, behind)
}

// submitPlan sends the plan to a driver's HTTP API.
func submitPlan(driver string, q *plan.Query, stdout io.Writer) error {
	if driver == "" {
		return errors.New("submit needs --driver ADDR (the driver's HTTP address, e.g. 127.0.0.1:7077)")
	}
	b, err := plan.Marshal(q)
	if err != nil {
		return err
	}
	body, err := SubmitPlan(context.Background(), driver, b)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", bytes.TrimSpace(body))
	return err
}

// SubmitPlan posts plan JSON to a driver (POST /api/v1/queries) and returns
// the driver's JSON answer; an error answer becomes an error carrying the
// driver's message.
func SubmitPlan(ctx context.Context, driver string, planJSON []byte) ([]byte, error) {
	url := strings.TrimSuffix(DriverURL(driver), "/") + "/api/v1/queries"
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(planJSON))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the driver at %s: %w (is `spate driver` running there?)", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the driver's answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("the driver refused the plan: %s", e.Error)
		}
		return nil, fmt.Errorf("the driver answered %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	return body, nil
}

// DriverURL turns a driver address (host:port or a URL) into its base URL.
func DriverURL(addr string) string {
	if strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://") {
		return addr
	}
	return "http://" + addr
}

func progName() string {
	if len(os.Args) == 0 {
		return "job"
	}
	name := os.Args[0]
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return name
}
