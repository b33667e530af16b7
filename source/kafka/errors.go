package kafka

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/spate-io/spate/engine/batch"
)

// UnreachableError says that no broker of the bootstrap list answered.
type UnreachableError struct {
	Brokers []string
	Err     error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("kafka: cannot reach brokers %s (%v): check Brokers(...) and that the brokers are up", strings.Join(e.Brokers, ","), e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// DataLossError says that offsets a query must read are gone: aged out by
// retention, removed with DeleteRecords, or lost with a deleted topic or
// partition. It is returned when FailOnDataLoss is true (the default).
type DataLossError struct {
	Topic     string
	Partition int32
	// From and Until are the lost offsets [From, Until); From is -1 when
	// the start of the loss is unknown (a deleted partition).
	From, Until int64
	// Why says what happened ("the log now starts at 620").
	Why string
}

func (e *DataLossError) Error() string {
	what := fmt.Sprintf("offsets [%d,%d) can no longer be read", e.From, e.Until)
	if e.From < 0 {
		what = fmt.Sprintf("offsets below %d can no longer be read", e.Until)
	}
	return fmt.Sprintf("kafka: data lost in %s-%d: %s (%s); "+
		"the data was aged out by retention, deleted, or the topic was deleted before the query read it. "+
		"Use FailOnDataLoss(false) to skip lost offsets instead of failing",
		e.Topic, e.Partition, what, e.Why)
}

// TopicPartition names the partition that lost data.
func (e *DataLossError) TopicPartition() batch.TopicPartition {
	return batch.TopicPartition{Topic: e.Topic, Partition: e.Partition}
}

// reachErr turns a connection failure into an UnreachableError and leaves
// every other error alone. A deadline that passed while the brokers did not
// answer counts as a connection failure.
func reachErr(brokers []string, err error) error {
	if err == nil {
		return nil
	}
	var unreachable *UnreachableError
	if errors.As(err, &unreachable) {
		return err
	}
	var op *net.OpError
	if errors.As(err, &op) || errors.Is(err, context.DeadlineExceeded) {
		return &UnreachableError{Brokers: brokers, Err: err}
	}
	return err
}

// isOwnError says whether err already speaks for this package, so wrapping
// it again would only repeat the prefix.
func isOwnError(err error) bool {
	return strings.HasPrefix(err.Error(), "kafka: ")
}

// nested is an error of this package that wraps another: its message says
// "kafka:" once, however deep the wrapping, and errors.Is/As see the cause.
type nested struct {
	msg string
	err error
}

func (e *nested) Error() string { return e.msg + ": " + strings.TrimPrefix(e.err.Error(), "kafka: ") }
func (e *nested) Unwrap() error { return e.err }

// wrapErr wraps err under "kafka: <format>".
func wrapErr(err error, format string, args ...any) error {
	return &nested{msg: "kafka: " + fmt.Sprintf(format, args...), err: err}
}
