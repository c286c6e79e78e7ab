// Package ops is a job's HTTP server (--http): Prometheus metrics, Kubernetes probes, its status as JSON and a
// status page. A generated job imports it for its side effect, registering the server with rt; velocc build
// --no-http leaves it out, and net/http with it.
package ops

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/velocc/velocc/rt"
)

func init() { rt.RegisterHTTP(serve) }

// server is a running HTTP server.
type server struct {
	ln   net.Listener
	srv  *http.Server
	hist *history
}

func (s *server) Addr() string { return s.ln.Addr().String() }

// Close stops the server, letting requests in progress finish for a moment.
func (s *server) Close() error {
	s.hist.stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// serve listens on addr and serves m's job until Close.
func serve(addr string, m *rt.Monitor) (rt.Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		writeMetrics(w, m.Status())
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		st := m.Status()
		if !st.Ready {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("not ready: " + st.NotReady + "\n"))
			return
		}
		w.Write([]byte("ready\n"))
	})
	hist := newHistory(m)
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			*rt.Status
			History []sample `json:"history"`
		}{m.Status(), hist.samples()})
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(statusPage)
	})
	s := &server{ln: ln, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, hist: hist}
	go s.srv.Serve(ln)
	return s, nil
}

// statusPage is the page GET / serves: it polls /status.
//
//go:embed status.html
var statusPage []byte
