package cluster

import (
	"bytes"
	"context"
	"log"
	"log/slog"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// logWriter turns the "[LEVEL] component: message" lines that raft (via
// hclog) and memberlist (via log.Logger) print into slog records at the
// matching level, so their output goes where the broker's goes.
type logWriter struct {
	l *slog.Logger
}

func (w logWriter) Write(p []byte) (int, error) {
	line := strings.TrimSpace(string(bytes.TrimRight(p, "\n")))
	level := slog.LevelInfo
	for tag, lv := range map[string]slog.Level{"[TRACE]": slog.LevelDebug - 4, "[DEBUG]": slog.LevelDebug, "[INFO]": slog.LevelInfo, "[WARN]": slog.LevelWarn, "[ERR]": slog.LevelError, "[ERROR]": slog.LevelError} {
		if i := strings.Index(line, tag); i >= 0 {
			level, line = lv, strings.TrimSpace(line[i+len(tag):])
			break
		}
	}
	w.l.Log(context.Background(), level, line)
	return len(p), nil
}

// hclogFor returns an hclog.Logger for raft that writes into l.
func hclogFor(l *slog.Logger, name string) hclog.Logger {
	level := hclog.Info
	if l.Enabled(context.Background(), slog.LevelDebug) {
		level = hclog.Debug
	}
	return hclog.New(&hclog.LoggerOptions{Name: name, Level: level, Output: logWriter{l}, DisableTime: true})
}

// stdLoggerFor returns a log.Logger for memberlist that writes into l.
func stdLoggerFor(l *slog.Logger) *log.Logger { return log.New(logWriter{l}, "", 0) }
