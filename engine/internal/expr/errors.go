package expr

import (
	"errors"
	"fmt"
)

// ErrAnalysis is matched (errors.Is) by every resolution error: the plan
// is wrong, not the data.
var ErrAnalysis = errors.New("engine: analysis error")

type analysisError struct{ msg string }

func (e *analysisError) Error() string        { return e.msg }
func (e *analysisError) Is(target error) bool { return target == ErrAnalysis }

// analysisf makes a resolution error; the message starts with "engine: ".
func analysisf(format string, args ...any) error {
	return &analysisError{msg: "engine: " + fmt.Sprintf(format, args...)}
}

// errorf makes an evaluation error.
func errorf(format string, args ...any) error {
	return fmt.Errorf("engine: "+format, args...)
}
