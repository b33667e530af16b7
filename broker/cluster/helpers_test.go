package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
)

// stateWith returns a State with brokers 1..n registered and alive.
func stateWith(t *testing.T, n int) *State {
	t.Helper()
	s := NewState()
	for id := int32(1); id <= int32(n); id++ {
		mustApply(t, s, &RegisterBroker{Broker: Broker{ID: id, KafkaAddr: fmt.Sprintf("127.0.0.1:%d", 9000+id)}})
	}
	return s
}

func mustApply(t *testing.T, s *State, cmd Command) *Result {
	t.Helper()
	res, err := s.Apply(cmd)
	if err != nil {
		t.Fatalf("apply %s: %v", cmd.Op(), err)
	}
	return res
}

// wantCode fails unless err carries the kerr code want.
func wantCode(t *testing.T, err error, want *kerr.Error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", want)
	}
	if !errors.Is(err, want) {
		t.Fatalf("got error %q (code %d), want %v", err, ErrorCode(err), want)
	}
}

// topicWith creates topic name with an explicit assignment.
func topicWith(t *testing.T, s *State, name string, assignment ...[]int32) {
	t.Helper()
	mustApply(t, s, &CreateTopic{ID: NewTopicID(), Name: name, Assignment: assignment})
}

func part(t *testing.T, s *State, topic string, p int32) *Partition {
	t.Helper()
	pp, ok := s.Partition(topic, p)
	if !ok {
		t.Fatalf("partition %s-%d missing", topic, p)
	}
	return pp
}

// captureHandler records "LEVEL message" of every record.
type captureHandler struct{ out *[]string }

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	*h.out = append(*h.out, r.Level.String()+" "+r.Message)
	return nil
}
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func slogNew(h slog.Handler) *slog.Logger { return slog.New(h) }
