// The job's log on stderr, through log/slog: lines "component: message" (the default, for a person), or one JSON
// object per line (--log-format json, for a log collector) with the time, the level, the component (the job, a
// source or a sink) and the message.

package rt

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
)

// logFormats are the values of --log-format.
var logFormats = []string{"text", "json"}

// newLog returns the job's logger writing to w (which serializes writes) in format, "text" or "json".
func newLog(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(&textHandler{w: w})
}

// textHandler writes a record as "component: message", then its other attributes as " key=value", on one line.
type textHandler struct {
	w     io.Writer
	attrs []slog.Attr
	mu    sync.Mutex // guards buf
	buf   []byte
}

func (h *textHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *textHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.buf[:0]
	component := ""
	var rest []slog.Attr
	each := func(a slog.Attr) bool {
		if a.Key == "component" {
			component = a.Value.String()
		} else {
			rest = append(rest, a)
		}
		return true
	}
	for _, a := range h.attrs {
		each(a)
	}
	r.Attrs(each)
	if component != "" {
		b = append(b, component...)
		b = append(b, ": "...)
	}
	b = append(b, r.Message...)
	for _, a := range rest {
		b = append(b, ' ')
		b = append(b, a.Key...)
		b = append(b, '=')
		v := a.Value.Resolve().String()
		if needsQuote(v) {
			b = strconv.AppendQuote(b, v)
		} else {
			b = append(b, v...)
		}
	}
	b = append(b, '\n')
	h.buf = b
	_, err := h.w.Write(b) // one write: the job's stderr keeps the line whole
	return err
}

func (h *textHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &textHandler{w: h.w, attrs: append(h.attrs[:len(h.attrs):len(h.attrs)], attrs...)}
}

// WithGroup is not used by the job: groups are flattened.
func (h *textHandler) WithGroup(string) slog.Handler { return h }

// needsQuote reports whether an attribute's value needs quotes to stay one token.
func needsQuote(v string) bool {
	if v == "" {
		return true
	}
	for _, c := range v {
		if c <= ' ' || c == '"' || c == '=' {
			return true
		}
	}
	return false
}

// logAt logs a formatted message of component at level on the job's log.
func logAt(l *slog.Logger, level slog.Level, component, format string, args ...any) {
	l.LogAttrs(context.Background(), level, fmt.Sprintf(format, args...), slog.String("component", component))
}

// logger returns the job's log: text on stderr for a runner made without one.
func (r *runner) logger() *slog.Logger {
	if r.log == nil {
		r.log = newLog(r.stderr, "text")
	}
	return r.log
}

// Logf logs an informational message of the source: "orders: reading kafka topic ...".
func (s *Source) Logf(format string, args ...any) {
	logAt(s.run.logger(), slog.LevelInfo, s.spec.Name, format, args...)
}

// Warnf logs a warning of the source: something went wrong that the job works around (a failed commit it retries,
// brokers away).
func (s *Source) Warnf(format string, args ...any) {
	logAt(s.run.logger(), slog.LevelWarn, s.spec.Name, format, args...)
}

// Log logs a message of a sink or another part of the job named component at level: transports call it.
func (e *Env) Log(level slog.Level, component, format string, args ...any) {
	if e == nil || e.log == nil {
		return
	}
	logAt(e.log, level, component, format, args...)
}
