package engine_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/spate-io/spate/engine"
	_ "github.com/spate-io/spate/sink/console"
	_ "github.com/spate-io/spate/source/rate"
)

func TestConnectorSpecsValidateOptions(t *testing.T) {
	spec, ok := engine.SourceSpec("rate")
	if !ok {
		t.Fatal("rate has no spec")
	}
	cases := []struct{ options, want string }{
		{`{"rowsPerSecond": 10, "startTimeMs": 1}`, ""},
		{`{"rowsPerSecnd": 10, "startTimeMs": 1}`, `unknown option "rowsPerSecnd" (did you mean "rowsPerSecond"?`},
		{`{"rowsPerSecond": "fast", "startTimeMs": 1}`, `option rowsPerSecond: want int`},
		{`{"rampUpTime": "soon", "startTimeMs": 1}`, `option rampUpTime: want duration`},
		{`{}`, `missing required option startTimeMs`},
		{`[1]`, `must be a JSON object`},
	}
	for _, c := range cases {
		err := spec.Validate(json.RawMessage(c.options))
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: got %v, want %q", c.options, err, c.want)
		}
	}
	if doc := spec.Doc("rate"); !strings.Contains(doc, "rowsPerSecond (int)") {
		t.Errorf("doc:\n%s", doc)
	}
	if _, ok := engine.SinkSpec("console"); !ok {
		t.Error("console has no spec")
	}
}
