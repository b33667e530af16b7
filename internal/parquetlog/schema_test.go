package parquetlog

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSchemaCodecRefusesWhatItCannotBuild(t *testing.T) {
	deep := `{"name":"x","type":{"name":"int8"}}`
	for range MaxTypeDepth + 2 {
		deep = `{"name":"l","type":{"name":"list","children":[` + deep + `]}}`
	}
	for _, tc := range []struct{ field, want string }{
		{`{"name":"x","type":{"name":"timestamp","unit":"days"}}`, `timestamp unit "days" is not one of s, ms, us, ns`},
		{`{"name":"x","type":{"name":"time32","unit":"ns"}}`, "time32 takes s or ms"},
		{`{"name":"x","type":{"name":"fixed_size_binary","width":-1}}`, "width -1 must be positive"},
		{`{"name":"x","type":{"name":"decimal128","precision":5,"scale":9}}`, "scale 9 exceeds precision 5"},
		{`{"name":"x","type":{"name":"map","children":[{"name":"k","type":{"name":"utf8"},"nullable":true},{"name":"v","type":{"name":"utf8"}}]}}`, "map keys must not be nullable"},
		{`{"name":"x","type":{"name":"dictionary","index":"utf8","children":[{"name":"v","type":{"name":"utf8"}}]}}`, `dictionary index type "utf8" is not an integer type`},
		{deep, "types nest deeper than 64 levels"},
	} {
		var s Schema
		if err := json.Unmarshal([]byte(`{"fields":[`+tc.field+`]}`), &s); err != nil {
			t.Fatal(err)
		}
		_, err := s.Arrow()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.70s: %v, want %q", tc.field, err, tc.want)
		}
	}
}
