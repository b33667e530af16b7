package log

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Kafka's checkpoint files (leader-epoch-checkpoint here, the broker's
// replication-offset-checkpoint) share one text format: a version line
// "0", a line with the entry count, then one entry per line. What an entry
// holds is the caller's.

// EncodeCheckpointFile returns a version 0 checkpoint file of the entry
// lines (given without their newline).
func EncodeCheckpointFile(entries []string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "0\n%d\n", len(entries))
	for _, e := range entries {
		b.WriteString(e)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// DecodeCheckpointFile returns the entry lines of a version 0 checkpoint
// file, trimmed of spaces. Another version, a count that is not a number
// from 0 to maxEntries, or fewer lines than the count is an error; lines
// past the count are ignored. The errors do not name the file: the caller
// does.
func DecodeCheckpointFile(data []byte, maxEntries int) ([]string, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := func() (string, bool) {
		if !sc.Scan() {
			return "", false
		}
		return strings.TrimSpace(sc.Text()), true
	}
	if v, ok := line(); !ok || v != "0" {
		return nil, fmt.Errorf("version line %q is not 0", v)
	}
	cs, _ := line()
	n, err := strconv.Atoi(cs)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("count line %q is not a count", cs)
	}
	if n > maxEntries {
		return nil, fmt.Errorf("count %d is above the most allowed, %d", n, maxEntries)
	}
	entries := make([]string, 0, min(n, 1<<16))
	for i := range n {
		l, ok := line()
		if !ok {
			return nil, fmt.Errorf("%d entries announced, %d present", n, i)
		}
		entries = append(entries, l)
	}
	return entries, nil
}
