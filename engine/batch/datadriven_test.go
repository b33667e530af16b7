package batch

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The golden tests under testdata/ are scripts in the style of etcd raft's
// datadriven files: a case is a command line, input lines, a "----" line
// and the expected output, ended by a blank line. Lines starting with #
// before a case are comments. Run with -update to rewrite the expected
// output from what the code does, then read the diff.

var update = flag.Bool("update", false, "rewrite the expected output of testdata scripts")

type ddCase struct {
	comment []string
	cmd     string
	input   []string
	want    string
	line    int
}

// runScript runs every case of the script at path through run and compares
// (or, with -update, rewrites) the expected output.
func runScript(t *testing.T, path string, run func(t *testing.T, c ddCase) string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := parseScript(string(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for i := range cases {
		c := &cases[i]
		got := strings.TrimRight(run(t, *c), "\n")
		if *update {
			c.want = got
		} else if got != c.want {
			t.Errorf("%s:%d: %s\ngot:\n%s\nwant:\n%s", path, c.line, c.cmd, got, c.want)
		}
	}
	if *update {
		if err := os.WriteFile(path, []byte(formatScript(cases)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func parseScript(s string) ([]ddCase, error) {
	lines := strings.Split(s, "\n")
	var cases []ddCase
	var cur *ddCase
	var comment []string
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case cur == nil && strings.TrimSpace(l) == "":
		case cur == nil && strings.HasPrefix(l, "#"):
			comment = append(comment, l)
		case cur == nil:
			cases = append(cases, ddCase{comment: comment, cmd: l, line: i + 1})
			cur, comment = &cases[len(cases)-1], nil
		case l == "----":
			var want []string
			for i++; i < len(lines) && lines[i] != ""; i++ {
				want = append(want, lines[i])
			}
			cur.want, cur = strings.Join(want, "\n"), nil
		default:
			cur.input = append(cur.input, l)
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: case %q has no ---- line", cur.line, cur.cmd)
	}
	return cases, nil
}

func formatScript(cases []ddCase) string {
	var b strings.Builder
	for i, c := range cases {
		if i > 0 {
			b.WriteString("\n")
		}
		for _, l := range c.comment {
			b.WriteString(l + "\n")
		}
		b.WriteString(c.cmd + "\n")
		for _, l := range c.input {
			b.WriteString(l + "\n")
		}
		b.WriteString("----\n")
		if c.want != "" {
			b.WriteString(c.want + "\n")
		}
	}
	return b.String()
}

// scriptFiles lists the scripts of a testdata folder.
func scriptFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/%s: %v", dir, err)
	}
	return files
}
