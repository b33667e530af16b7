package cluster

import (
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
)

// Error is a refusal of a command by the metadata state machine or the
// controller: a Kafka error code and the sentence that explains it. It
// travels unchanged from the controller to a forwarding broker (it encodes as
// JSON), and errors.Is(err, kerr.X) works on it, so the broker maps it to the
// response's error code with kerr.ErrorForCode / errors.As.
type Error struct {
	// Code is the Kafka error code (kerr), e.g. 36 TOPIC_ALREADY_EXISTS.
	Code int16 `json:"code"`
	// Message is a whole sentence starting "cluster: ".
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the kerr error of the code, so errors.Is(err,
// kerr.TopicAlreadyExists) holds.
func (e *Error) Unwrap() error { return kerr.ErrorForCode(e.Code) }

// errorf builds an *Error with a kerr code and a "cluster: " sentence.
func errorf(code *kerr.Error, format string, args ...any) *Error {
	return &Error{Code: code.Code, Message: "cluster: " + fmt.Sprintf(format, args...)}
}

// ErrorCode returns the Kafka error code of err: 0 for nil, the code of an
// *Error or a kerr error anywhere in the chain, and UNKNOWN_SERVER_ERROR (-1)
// otherwise.
func ErrorCode(err error) int16 {
	if err == nil {
		return 0
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Code
	}
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Code
	}
	return kerr.UnknownServerError.Code
}

// NotControllerError says that this node cannot apply a command because it
// is not the controller and forwarding failed or no controller is known.
// errors.Is(err, kerr.NotController) holds; the broker answers
// NOT_CONTROLLER so the client refreshes metadata and retries.
type NotControllerError struct {
	// ControllerID is the broker id of the controller this node knows of,
	// or -1 if none is elected yet.
	ControllerID int32
	// Cause is why forwarding did not succeed, if it was tried.
	Cause error
}

func (e *NotControllerError) Error() string {
	msg := "cluster: this broker is not the controller and no controller is elected yet; retry shortly"
	if e.ControllerID >= 0 {
		msg = fmt.Sprintf("cluster: this broker is not the controller (the controller is broker %d)", e.ControllerID)
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Unwrap makes errors.Is(err, kerr.NotController) hold.
func (e *NotControllerError) Unwrap() error { return kerr.NotController }

// ErrClosed is returned by a Controller's methods after Close.
var ErrClosed = errors.New("cluster: the controller is closed")
