package batch

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNext runs the planner scripts in testdata/next. A case:
//
//	next batch=N now=DUR [last=DUR] [mode=streaming|available-now|once] [watermark=MS] [nodata]
//	source [max=N] [min=N] [delay=DUR] [minparts=N]
//	start topic/partition=offset ...
//	latest ...
//	earliest ...
//	[target ...]
//
// Times are durations since the Unix epoch; a missing last means no batch
// since the query started.
func TestNext(t *testing.T) {
	for _, path := range scriptFiles(t, "next") {
		t.Run(path, func(t *testing.T) {
			runScript(t, path, func(t *testing.T, c ddCase) string {
				in, err := parseNextCase(c)
				if err != nil {
					t.Fatalf("%s:%d: %v", path, c.line, err)
				}
				out, err := Next(in)
				if err != nil {
					return "error: " + err.Error()
				}
				again, _ := Next(in)
				if !reflect.DeepEqual(out, again) {
					t.Errorf("%s:%d: the same input planned twice gave different plans", path, c.line)
				}
				return describeOutput(out)
			})
		})
	}
}

func parseNextCase(c ddCase) (PlanInput, error) {
	var in PlanInput
	args := strings.Fields(c.cmd)
	if len(args) == 0 || args[0] != "next" {
		return in, fmt.Errorf("unknown command %q", c.cmd)
	}
	for _, a := range args[1:] {
		if err := in.setArg(a); err != nil {
			return in, err
		}
	}
	for _, l := range c.input {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if f[0] == "source" {
			in.Sources = append(in.Sources, SourceInput{})
		}
		if len(in.Sources) == 0 {
			return in, fmt.Errorf("%q before any source line", l)
		}
		if err := in.Sources[len(in.Sources)-1].setLine(f); err != nil {
			return in, err
		}
	}
	return in, nil
}

func (in *PlanInput) setArg(a string) error {
	k, v, _ := strings.Cut(a, "=")
	var err error
	switch k {
	case "batch":
		in.BatchID, err = strconv.ParseInt(v, 10, 64)
	case "now":
		in.Now, err = epochPlus(v)
	case "last":
		in.LastBatch, err = epochPlus(v)
	case "watermark":
		in.Watermark, err = strconv.ParseInt(v, 10, 64)
	case "nodata":
		in.RunWithoutData = true
	case "mode":
		in.Mode, err = parseMode(v)
	default:
		err = fmt.Errorf("unknown argument %q", a)
	}
	return err
}

func (s *SourceInput) setLine(f []string) error {
	if f[0] == "source" {
		return s.setLimits(f[1:])
	}
	o, err := parseOffsets(f[1:])
	if err != nil {
		return err
	}
	switch f[0] {
	case "start":
		s.Start = o
	case "latest":
		s.Latest = o
	case "earliest":
		s.Earliest = o
	case "target":
		s.Target = o
	default:
		return fmt.Errorf("unknown line %q", strings.Join(f, " "))
	}
	return nil
}

func (s *SourceInput) setLimits(args []string) error {
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		var err error
		switch k {
		case "max":
			s.Limits.MaxOffsetsPerTrigger, err = strconv.ParseInt(v, 10, 64)
		case "min":
			s.Limits.MinOffsetsPerTrigger, err = strconv.ParseInt(v, 10, 64)
		case "delay":
			s.Limits.MaxTriggerDelay, err = time.ParseDuration(v)
		case "minparts":
			s.Limits.MinPartitions, err = strconv.Atoi(v)
		default:
			err = fmt.Errorf("unknown limit %q", a)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func parseMode(v string) (Mode, error) {
	for _, m := range []Mode{ModeStreaming, ModeAvailableNow, ModeOnce} {
		if m.String() == v {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown mode %q", v)
}

func epochPlus(v string) (time.Time, error) {
	d, err := time.ParseDuration(v)
	return time.Unix(0, 0).UTC().Add(d), err
}

// parseOffsets reads "topic/partition=offset" tokens.
func parseOffsets(tokens []string) (Offsets, error) {
	o := Offsets{}
	for _, tok := range tokens {
		tp, off, ok := strings.Cut(tok, "=")
		topic, part, ok2 := strings.Cut(tp, "/")
		p, err := strconv.ParseInt(part, 10, 32)
		n, err2 := strconv.ParseInt(off, 10, 64)
		if !ok || !ok2 || err != nil || err2 != nil {
			return nil, fmt.Errorf("bad offset %q, want topic/partition=offset", tok)
		}
		o.Set(topic, int32(p), n)
	}
	return o, nil
}

func formatOffsets(o Offsets) string {
	var s []string
	for _, tp := range o.Partitions() {
		off, _ := o.Get(tp.Topic, tp.Partition)
		s = append(s, fmt.Sprintf("%s/%d=%d", tp.Topic, tp.Partition, off))
	}
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, " ")
}

func describeOutput(out PlanOutput) string {
	var b strings.Builder
	if out.Run {
		p := out.Plan
		fmt.Fprintf(&b, "run batch=%d ts=%d watermark=%d\n", p.ID, p.Timestamp, p.Watermark)
		for i, s := range p.Sources {
			fmt.Fprintf(&b, "source %d: start %s\n", i, formatOffsets(s.Start))
			fmt.Fprintf(&b, "source %d: end   %s\n", i, formatOffsets(s.End))
		}
		for _, task := range p.Tasks {
			fmt.Fprintf(&b, "task %d: source %d %s\n", task.ID, task.Source, rangesString(task.Ranges))
		}
	} else {
		fmt.Fprintf(&b, "no batch %d\n", out.BatchID)
	}
	for _, d := range out.DataLoss {
		fmt.Fprintf(&b, "data loss: source %d: %s\n", d.Source, d)
	}
	for _, sp := range out.NewPartitions {
		fmt.Fprintf(&b, "new partition: source %d: %s\n", sp.Source, sp.TopicPartition)
	}
	if !out.WaitUntil.IsZero() {
		fmt.Fprintf(&b, "wait until %s\n", out.WaitUntil.Sub(time.Unix(0, 0)))
	}
	if out.Done {
		b.WriteString("done\n")
	}
	return b.String()
}
