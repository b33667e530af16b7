package kafka

import (
	"encoding/json"
	"fmt"
	"time"
)

// Duration is a time.Duration that reads and writes JSON as Go duration text
// ("15m0s"), so plan files stay readable. Decoding also accepts a number of
// nanoseconds, the encoding of a bare time.Duration.
type Duration time.Duration

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads duration text or nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("kafka: duration %s: %w", b, err)
	}
	switch v := v.(type) {
	case string:
		parsed, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("kafka: duration %q is not a Go duration like \"30s\" or \"15m\"", v)
		}
		*d = Duration(parsed)
	case float64:
		*d = Duration(int64(v))
	default:
		return fmt.Errorf("kafka: duration %s must be text like \"30s\" or a number of nanoseconds", b)
	}
	return nil
}
