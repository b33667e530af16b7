package testcluster

import (
	"strings"
	"testing"
)

func TestExactlyOnceProblems(t *testing.T) {
	want := map[Record]string{{"t", 0, 0}: "a", {"t", 0, 1}: "b", {"t", 1, 0}: "c"}
	tests := []struct {
		name string
		rows []Row
		want string
	}{
		{"exact", []Row{{"t", 0, 0, []byte("a")}, {"t", 1, 0, []byte("c")}, {"t", 0, 1, []byte("b")}}, ""},
		{"twice", []Row{{"t", 0, 0, []byte("a")}, {"t", 0, 0, []byte("a")}, {"t", 0, 1, []byte("b")}, {"t", 1, 0, []byte("c")}}, "{t 0 0} written 2 times"},
		{"missing", []Row{{"t", 0, 0, []byte("a")}, {"t", 0, 1, []byte("b")}}, "{t 1 0} missing"},
		{"unexpected", []Row{{"t", 0, 0, []byte("a")}, {"t", 0, 1, []byte("b")}, {"t", 1, 0, []byte("c")}, {"u", 0, 0, nil}}, "unexpected {u 0 0}"},
		{"other value", []Row{{"t", 0, 0, []byte("x")}, {"t", 0, 1, []byte("b")}, {"t", 1, 0, []byte("c")}}, `{t 0 0}: value "x", want "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(exactlyOnceProblems(want, tt.rows), "; "); got != tt.want {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLogBufferTail(t *testing.T) {
	var b logBuffer
	b.Write([]byte("one\ntwo\nthree\n"))
	if got := b.tail(2, "[x] "); got != "[x] ... 1 lines before\n[x] two\n[x] three" {
		t.Errorf("tail = %q", got)
	}
}
