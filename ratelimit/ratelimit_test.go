package ratelimit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseProxies(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // the prefixes, space-separated
		err      bool
	}{
		{"OKEmpty", "", "", false},
		{"OKAddress", "127.0.0.1", "127.0.0.1/32", false},
		{"OKList", " 10.0.0.0/8 , ::1,192.168.1.7", "10.0.0.0/8 ::1/128 192.168.1.7/32", false},
		{"OKMasked", "10.1.2.3/8", "10.0.0.0/8", false},
		{"OKMapped", "::ffff:10.0.0.1", "10.0.0.1/32", false},
		{"OKMappedPrefix", "::ffff:10.0.0.0/104", "10.0.0.0/8", false},
		{"ErrName", "proxy.example.org", "", true},
		{"ErrPrefix", "10.0.0.0/33", "", true},
		{"ErrPort", "10.0.0.1:80", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := ParseProxies(tt.in)
			if (err != nil) != tt.err {
				t.Fatalf("err %v, want error %v", err, tt.err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.String())
			}
			if !tt.err && strings.Join(got, " ") != tt.want {
				t.Errorf("got %v, want %s", got, tt.want)
			}
		})
	}
}

func TestClient(t *testing.T) {
	proxies, err := ParseProxies("127.0.0.1,10.0.0.0/8,::1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		trusted Proxies
		remote  string
		xff     []string
		want    string
	}{
		{"OKRemote", proxies, "203.0.113.5:4242", nil, "203.0.113.5"},
		{"OKRemoteIPv6", proxies, "[2001:db8::7]:4242", nil, "2001:db8::7"},
		{"OKRemoteMapped", proxies, "[::ffff:203.0.113.5]:4242", nil, "203.0.113.5"},
		{"OKUntrustedRemoteIgnoresHeader", proxies, "203.0.113.5:4242", []string{"198.51.100.1"}, "203.0.113.5"},
		{"OKNoProxiesIgnoreHeader", nil, "127.0.0.1:4242", []string{"198.51.100.1"}, "127.0.0.1"},
		{"OKThroughProxy", proxies, "127.0.0.1:4242", []string{"198.51.100.1"}, "198.51.100.1"},
		{"OKRightmostUntrusted", proxies, "127.0.0.1:4242", []string{"6.6.6.6, 198.51.100.1, 10.1.1.1"}, "198.51.100.1"},
		{"OKHeadersInOrder", proxies, "[::1]:4242", []string{"6.6.6.6, 198.51.100.1", "10.1.1.1"}, "198.51.100.1"},
		{"OKWithPort", proxies, "127.0.0.1:4242", []string{"198.51.100.1:5555"}, "198.51.100.1"},
		{"OKAllTrustedLeftmost", proxies, "127.0.0.1:4242", []string{"10.0.0.9, 10.0.0.8"}, "10.0.0.9"},
		{"OKProxyWithoutHeader", proxies, "127.0.0.1:4242", nil, "127.0.0.1"},
		{"ErrGarbageStopsAtProxy", proxies, "127.0.0.1:4242", []string{"198.51.100.1, unknown"}, "127.0.0.1"},
		{"ErrSpoofedLeftIgnored", proxies, "127.0.0.1:4242", []string{"10.0.0.1, 198.51.100.1"}, "198.51.100.1"},
		{"OKNotIP", proxies, "pipe", nil, "pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, h := range tt.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := tt.trusted.Client(r); got != tt.want {
				t.Errorf("client %q, want %q", got, tt.want)
			}
		})
	}
}

// clock is a test's time, moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func get(h http.Handler, remote, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = remote
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestRate(t *testing.T) {
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	var refused []Refusal
	l := New(Config{Rate: 0.5, Burst: 2, Now: clk.Now,
		Skip: func(r *http.Request) bool { return r.URL.Path == "/healthz" },
		Refuse: func(w http.ResponseWriter, r *http.Request, f Refusal) {
			refused = append(refused, f)
			http.Error(w, f.Message(), http.StatusTooManyRequests)
		}})
	h := l.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	const a, b = "192.0.2.1:1000", "192.0.2.2:1000"
	steps := []struct {
		name   string
		remote string
		path   string
		wait   time.Duration
		status int
		retry  string
	}{
		{"OKBurst1", a, "/", 0, 200, ""},
		{"OKBurst2", a, "/", 0, 200, ""},
		{"ErrOverBurst", a, "/", 0, 429, "2"},
		{"OKOtherClient", b, "/", 0, 200, ""},
		{"OKSkipped", a, "/healthz", 0, 200, ""},
		{"ErrStillEmpty", a, "/", time.Second, 429, "1"},
		{"OKRefilled", a, "/", time.Second, 200, ""},
		{"ErrEmptyAgain", a, "/", 0, 429, "2"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clk.Add(s.wait)
			w := get(h, s.remote, s.path)
			if w.Code != s.status || w.Header().Get("Retry-After") != s.retry {
				t.Errorf("status %d, Retry-After %q; want %d, %q", w.Code, w.Header().Get("Retry-After"), s.status, s.retry)
			}
		})
	}
	if len(refused) != 3 || refused[0].Limit != LimitRate || refused[0].Client != "192.0.2.1" {
		t.Errorf("refusals %+v, want 3 by rate of 192.0.2.1", refused)
	}
}

func TestConcurrency(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	l := New(Config{Concurrency: 1})
	h := l.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			entered <- struct{}{}
			<-release
		}
	}))
	const a, b = "192.0.2.1:1000", "192.0.2.2:1000"
	done := make(chan int)
	go func() { done <- get(h, a, "/slow").Code }()
	<-entered
	tests := []struct {
		name   string
		remote string
		status int
	}{
		{"ErrSecondInFlight", a, 429},
		{"OKOtherClient", b, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(h, tt.remote, "/")
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if tt.status == 429 && w.Header().Get("Retry-After") != "1" {
				t.Errorf("Retry-After %q, want 1", w.Header().Get("Retry-After"))
			}
		})
	}
	close(release)
	if code := <-done; code != 200 {
		t.Errorf("the slow request: %d", code)
	}
	t.Run("OKAfterRelease", func(t *testing.T) {
		if w := get(h, a, "/"); w.Code != 200 {
			t.Errorf("status %d, want 200", w.Code)
		}
	})
	t.Run("OKForgotten", func(t *testing.T) {
		if n := l.Clients(); n != 0 {
			t.Errorf("%d clients tracked with nothing in flight and no rate, want 0", n)
		}
	})
}

// Memory stays bounded: idle clients are forgotten, and past MaxClients new
// clients share one allowance.
func TestBoundedClients(t *testing.T) {
	clk := &clock{now: time.Unix(1_800_000_000, 0)}
	l := New(Config{Rate: 1, Burst: 1, MaxClients: 10, Now: clk.Now})
	h := l.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for i := range 10 {
		if w := get(h, fmt.Sprintf("192.0.2.%d:1", i), "/"); w.Code != 200 {
			t.Fatalf("client %d: %d", i, w.Code)
		}
	}
	tests := []struct {
		name    string
		wait    time.Duration
		remote  string
		status  int
		clients int
	}{
		{"OKNewcomerShares", 0, "198.51.100.1:1", 200, 10},
		{"ErrOverflowShared", 0, "198.51.100.2:1", 429, 10},
		{"ErrTrackedStillLimited", 0, "192.0.2.3:1", 429, 10},
		{"OKIdleForgotten", 2 * time.Minute, "198.51.100.3:1", 200, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Add(tt.wait)
			if w := get(h, tt.remote, "/"); w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if n := l.Clients(); n != tt.clients {
				t.Errorf("%d clients tracked, want %d", n, tt.clients)
			}
		})
	}
}

func TestOff(t *testing.T) {
	l := New(Config{})
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	if l.Enabled() {
		t.Error("enabled with no limit")
	}
	h := l.Wrap(next)
	for range 100 {
		if w := get(h, "192.0.2.1:1", "/"); w.Code != 200 {
			t.Fatalf("status %d with no limit", w.Code)
		}
	}
}
