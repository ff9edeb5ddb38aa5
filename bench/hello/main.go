// Command hello is the hello-world net/http handler bench/run.sh measures
// civicgraph's response cache against: every request to /graphql gets the
// same bytes, read from a file once, with civicgraph's Content-Type. It is
// the ceiling of what a Go HTTP server answers on this machine.
//
//	hello [-addr 127.0.0.1:0] -body ANSWER.json
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "hello:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("hello", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address host:port (port 0 picks a free one)")
	file := fs.String("body", "", "file whose bytes every answer carries")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" || fs.NArg() > 0 {
		return errors.New("usage: hello [-addr host:port] -body FILE")
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: Handler(body), ReadHeaderTimeout: 10 * time.Second}
	// bench/run.sh reads the address from this line, as from civicgraph's.
	slog.Info("listening", "addr", "http://"+ln.Addr().String(), "bytes", len(body))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// Handler answers every request to /graphql with body.
func Handler(body []byte) http.Handler {
	length := strconv.Itoa(len(body))
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", length)
		w.Write(body)
	})
	return mux
}
