package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spate-io/spate/engine/internal/expr"
)

// ConnectorSpec describes a connector's options declaratively, so that
// spate can list connectors, print their documentation and check a plan's
// options before decoding them (benthos' spec pattern). A connector
// registers it next to its decoder with DescribeSource or DescribeSink.
type ConnectorSpec struct {
	// Summary is one sentence on what the connector does.
	Summary string
	// Options are the keys of the connector's options object.
	Options []OptionSpec
}

// OptionSpec is one option.
type OptionSpec struct {
	// Name is the option's JSON key ("rowsPerSecond").
	Name string
	// Type is one of "string", "int", "float", "bool", "duration" (a Go
	// duration string such as "10s"), "strings" (a list of strings) or
	// "object" (any JSON object).
	Type string
	// Default describes the value used when the option is absent.
	Default string
	// Required options must be present.
	Required bool
	// Doc says what the option does.
	Doc string
}

var specs = struct {
	sync.RWMutex
	sources, sinks map[string]ConnectorSpec
}{sources: map[string]ConnectorSpec{}, sinks: map[string]ConnectorSpec{}}

// DescribeSource attaches spec to source kind.
func DescribeSource(kind string, spec ConnectorSpec) {
	specs.Lock()
	defer specs.Unlock()
	specs.sources[kind] = spec
}

// DescribeSink attaches spec to sink kind.
func DescribeSink(kind string, spec ConnectorSpec) {
	specs.Lock()
	defer specs.Unlock()
	specs.sinks[kind] = spec
}

// SourceSpec is the spec of source kind, if it has one.
func SourceSpec(kind string) (ConnectorSpec, bool) {
	specs.RLock()
	defer specs.RUnlock()
	s, ok := specs.sources[kind]
	return s, ok
}

// SinkSpec is the spec of sink kind, if it has one.
func SinkSpec(kind string) (ConnectorSpec, bool) {
	specs.RLock()
	defer specs.RUnlock()
	s, ok := specs.sinks[kind]
	return s, ok
}

// Validate checks an options object against the spec: no unknown keys
// (with a did-you-mean), every required key present, every value of its
// type.
func (s ConnectorSpec) Validate(options json.RawMessage) error {
	var m map[string]json.RawMessage
	if len(bytes.TrimSpace(options)) > 0 && string(bytes.TrimSpace(options)) != "null" {
		if err := json.Unmarshal(options, &m); err != nil {
			return fmt.Errorf("options must be a JSON object: %v", err)
		}
	}
	known := make([]string, len(s.Options))
	byName := map[string]OptionSpec{}
	for i, o := range s.Options {
		known[i] = o.Name
		byName[o.Name] = o
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		o, ok := byName[k]
		if !ok {
			return fmt.Errorf("unknown option %q%s", k, expr.DidYouMean(k, "options", known))
		}
		if err := o.check(m[k]); err != nil {
			return fmt.Errorf("option %s: %v", k, err)
		}
	}
	for _, o := range s.Options {
		if _, ok := m[o.Name]; o.Required && !ok {
			return fmt.Errorf("missing required option %s (%s)", o.Name, o.Doc)
		}
	}
	return nil
}

func (o OptionSpec) check(raw json.RawMessage) error {
	var err error
	switch o.Type {
	case "string":
		var v string
		err = json.Unmarshal(raw, &v)
	case "int":
		var v int64
		err = json.Unmarshal(raw, &v)
	case "float":
		var v float64
		err = json.Unmarshal(raw, &v)
	case "bool":
		var v bool
		err = json.Unmarshal(raw, &v)
	case "strings":
		var v []string
		err = json.Unmarshal(raw, &v)
	case "object":
		var v map[string]any
		err = json.Unmarshal(raw, &v)
	case "duration":
		var v string
		if err = json.Unmarshal(raw, &v); err == nil {
			_, err = time.ParseDuration(v)
		}
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("want %s, got %s", o.Type, raw)
	}
	return nil
}

// Doc renders the spec as text for `spate` to print.
func (s ConnectorSpec) Doc(kind string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", kind, s.Summary)
	for _, o := range s.Options {
		req := ""
		if o.Required {
			req = ", required"
		}
		def := ""
		if o.Default != "" {
			def = " Default: " + o.Default + "."
		}
		fmt.Fprintf(&b, "  %s (%s%s)  %s%s\n", o.Name, o.Type, req, o.Doc, def)
	}
	return b.String()
}
