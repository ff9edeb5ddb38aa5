// Command httpload sends a realistic mix of GraphQL queries to a civicgraph
// server and reports requests, errors, req/s and latency percentiles per
// query kind. bench/run.sh drives it against each store; it is a bench tool,
// so it talks to loopback addresses only and every run is bounded in time
// and in requests.
//
//	httpload [-url URL] [-c 4] [-d 10s] [-n 0] [-wait 0] [-json] [-o FILE] [-label L]
//	httpload compare BASELINE.json OTHER.json …
//
// Any transport error, non-200 status, GraphQL error or null answer counts
// as an error; the exit status is 1 when there was any.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Bounds on any run, whatever the flags: a bench tool must not turn into an
// open-ended load on a shared machine.
const (
	maxDuration    = time.Hour
	maxRequests    = 10_000_000
	maxConcurrency = 256
	maxBody        = 16 << 20 // largest response read
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// config is one load run.
type config struct {
	URL         string
	Concurrency int
	Duration    time.Duration // 0: until Requests (still at most maxDuration)
	Requests    int64         // 0: until Duration (still at most maxRequests)
	Timeout     time.Duration // of one request
	Wait        time.Duration // wait this long for /readyz first (0: don't)
	Seed        uint64
	Label       string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "compare" {
		if err := compare(args[1:], stdout); err != nil {
			fmt.Fprintln(stderr, "httpload:", err)
			return 2
		}
		return 0
	}
	c := config{}
	fs := flag.NewFlagSet("httpload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.URL, "url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint; loopback addresses only")
	fs.IntVar(&c.Concurrency, "c", 4, fmt.Sprintf("concurrent clients (1 to %d)", maxConcurrency))
	fs.DurationVar(&c.Duration, "d", 10*time.Second, fmt.Sprintf("how long to send (0: until -n; at most %s)", maxDuration))
	fs.Int64Var(&c.Requests, "n", 0, fmt.Sprintf("stop after this many requests (0: until -d; at most %d)", maxRequests))
	fs.DurationVar(&c.Timeout, "timeout", 10*time.Second, "deadline of one request")
	fs.DurationVar(&c.Wait, "wait", 0, "first wait up to this long for GET /readyz to answer 200")
	fs.Uint64Var(&c.Seed, "seed", 1, "seed of the query mix and of the entity ids picked")
	fs.StringVar(&c.Label, "label", "", "name of this run in the JSON result (compare prints it)")
	asJSON := fs.Bool("json", false, "print the result as JSON instead of a table")
	out := fs.String("o", "", "also write the result as JSON to this `file`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "httpload: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := c.check(); err != nil {
		fmt.Fprintln(stderr, "httpload:", err)
		return 2
	}
	res, err := load(ctx, c)
	if err != nil {
		fmt.Fprintln(stderr, "httpload:", err)
		return 1
	}
	if *out != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			fmt.Fprintln(stderr, "httpload:", err)
			return 1
		}
	}
	if *asJSON {
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		res.printTable(stdout)
	}
	if res.Errors > 0 {
		return 1
	}
	return 0
}

func (c *config) check() error {
	if _, err := loopbackURL(c.URL); err != nil {
		return err
	}
	switch {
	case c.Concurrency < 1 || c.Concurrency > maxConcurrency:
		return fmt.Errorf("-c must be 1 to %d", maxConcurrency)
	case c.Duration < 0 || c.Duration > maxDuration:
		return fmt.Errorf("-d must be 0 to %s", maxDuration)
	case c.Requests < 0 || c.Requests > maxRequests:
		return fmt.Errorf("-n must be 0 to %d", maxRequests)
	case c.Duration == 0 && c.Requests == 0:
		return errors.New("-d 0 needs -n")
	case c.Timeout <= 0:
		return errors.New("-timeout must be positive")
	case c.Wait < 0 || c.Wait > maxDuration:
		return fmt.Errorf("-wait must be 0 to %s", maxDuration)
	}
	return nil
}

// loopbackURL accepts an http(s) URL whose host is localhost or a loopback
// IP. The dialer checks the address again (see newClient), so a name that
// resolves elsewhere cannot slip through.
func loopbackURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("refusing %q: want an http:// or https:// URL", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return u, nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("refusing %q: httpload sends load to loopback addresses only (127.0.0.0/8, ::1, localhost)", raw)
	}
	return u, nil
}

// newClient returns a client that dials loopback addresses only and follows
// no redirects (a 3xx is an error like any other non-200).
func newClient(c config) *http.Client {
	dialer := &net.Dialer{
		Timeout: c.Timeout,
		Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("refusing to connect to %s: not a loopback address", address)
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         dialer.DialContext,
			Proxy:               nil,           // never through a proxy from the environment
			MaxIdleConnsPerHost: c.Concurrency, // keep-alive, as a real client would
		},
		Timeout:       c.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// load waits for readiness if asked, lists the entity ids, then runs the
// clients until the duration or request count is reached.
func load(ctx context.Context, c config) (*result, error) {
	client := newClient(c)
	defer client.CloseIdleConnections()
	if c.Wait > 0 {
		if err := waitReady(ctx, client, c.URL, c.Wait); err != nil {
			return nil, err
		}
	}
	ids, err := listIDs(ctx, client, c.URL)
	if err != nil {
		return nil, err
	}

	d := c.Duration
	if d == 0 {
		d = maxDuration
	}
	limit := c.Requests
	if limit == 0 {
		limit = maxRequests
	}
	runCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()

	var issued atomic.Int64
	workers := make([]*tally, c.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		t := newTally()
		workers[w] = t
		r := rand.New(rand.NewPCG(c.Seed, uint64(w)))
		wg.Go(func() {
			for runCtx.Err() == nil && issued.Add(1) <= limit {
				k := pick(r)
				var vars map[string]any
				if mix[k].vars != nil {
					vars = mix[k].vars(r, ids)
				}
				begin := time.Now()
				err := do(runCtx, client, c.URL, mix[k].query, vars)
				took := time.Since(begin)
				if err != nil && runCtx.Err() != nil {
					break // cut off by the end of the run: neither a sample nor an error
				}
				t.add(k, took, err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return summarize(c, workers, elapsed), nil
}

// gqlResponse is what the load checks of an answer.
type gqlResponse struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

// do sends one query and returns an error for anything but a 200 with data
// and no GraphQL errors.
func do(ctx context.Context, client *http.Client, endpoint, query string, vars map[string]any) error {
	_, err := post(ctx, client, endpoint, query, vars)
	return err
}

func post(ctx context.Context, client *http.Client, endpoint, query string, vars map[string]any) (*gqlResponse, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json, application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	var r gqlResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("undecodable response: %w", err)
	}
	if len(r.Errors) > 0 {
		return nil, fmt.Errorf("GraphQL error %s: %s", r.Errors[0].Extensions.Code, r.Errors[0].Message)
	}
	if len(r.Data) == 0 {
		return nil, errors.New("no data")
	}
	// Every query asks for something that exists: a null means the server
	// serves the wrong graph, which must not pass as a fast answer.
	for field, v := range r.Data {
		if string(v) == "null" {
			return nil, fmt.Errorf("%s is null", field)
		}
	}
	return &r, nil
}

func listIDs(ctx context.Context, client *http.Client, endpoint string) ([]string, error) {
	r, err := post(ctx, client, endpoint, idsQuery, nil)
	if err != nil {
		return nil, fmt.Errorf("list entity ids: %w", err)
	}
	var page struct {
		Edges []struct {
			Node struct {
				ID string `json:"id"`
			} `json:"node"`
		} `json:"edges"`
	}
	if err := json.Unmarshal(r.Data["entities"], &page); err != nil {
		return nil, fmt.Errorf("list entity ids: %w", err)
	}
	ids := make([]string, 0, len(page.Edges))
	for _, e := range page.Edges {
		ids = append(ids, e.Node.ID)
	}
	if len(ids) == 0 {
		return nil, errors.New("list entity ids: the graph has no entities")
	}
	slices.Sort(ids) // the same seed then picks the same ids on every store
	return ids, nil
}

// waitReady polls /readyz on the endpoint's host until it answers 200.
func waitReady(ctx context.Context, client *http.Client, endpoint string, wait time.Duration) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return err
	}
	ready := u.Scheme + "://" + u.Host + "/readyz"
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	last := errors.New("no answer yet")
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, ready, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err != nil {
			last = err
		} else {
			io.Copy(io.Discard, io.LimitReader(resp.Body, maxBody))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready within %s: %v", ready, wait, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
