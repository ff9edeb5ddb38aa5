// Package ratelimit bounds what one client may ask of a server: a token
// bucket of requests per second and a number of requests in flight at once,
// both per client. A refused request is answered 429 Too Many Requests with
// a Retry-After header.
//
// A client is the remote address of the connection or, when that address is
// a trusted proxy, the rightmost address of X-Forwarded-For that is not one
// (see Proxies).
package ratelimit

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Proxies are the addresses of trusted reverse proxies: only they may say,
// in X-Forwarded-For, whom they forward for.
type Proxies []netip.Prefix

// ParseProxies reads a comma-separated list of IP addresses and CIDR
// prefixes, such as "127.0.0.1,10.0.0.0/8,::1".
func ParseProxies(s string) (Proxies, error) {
	var ps Proxies
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Contains(part, "/") {
			p, err := netip.ParsePrefix(part)
			if err != nil {
				return nil, fmt.Errorf("%q is neither an IP address nor a CIDR prefix", part)
			}
			if p.Addr().Is4In6() {
				p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
			}
			ps = append(ps, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR prefix", part)
		}
		a = a.Unmap().WithZone("")
		ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
	}
	return ps, nil
}

// trusted reports whether a is one of the proxies.
func (ps Proxies) trusted(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client is the address of the client that made r: the connection's remote
// address, unless that is a trusted proxy; then X-Forwarded-For is read from
// the right, the end the proxies append to, and the first address that is not
// a trusted proxy is the client. Addresses to its left were written by the
// client itself and are never believed. When every address is a trusted
// proxy, the leftmost is the client; when a proxy forwarded something that is
// not an address, the nearest proxy is.
func (ps Proxies) Client(r *http.Request) string {
	remote, ok := parseAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr // not an IP connection (a test's pipe)
	}
	if !ps.trusted(remote) {
		return remote.String()
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		for hop := range strings.SplitSeq(h, ",") {
			hops = append(hops, strings.TrimSpace(hop))
		}
	}
	client := remote
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(hops[i])
		if !ok {
			break
		}
		client = a
		if !ps.trusted(a) {
			break
		}
	}
	return client.String()
}

// parseAddr reads an address, with or without a port.
func parseAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// The limits a request can be refused by.
const (
	LimitRate        = "rate"
	LimitConcurrency = "concurrency"
)

// Refusal is why a request was refused.
type Refusal struct {
	Limit      string        // LimitRate or LimitConcurrency
	Client     string        // the client refused
	RetryAfter time.Duration // when the client may try again
}

// Message says a refusal in words.
func (f Refusal) Message() string {
	if f.Limit == LimitConcurrency {
		return "too many requests in flight from this client: wait for one to finish"
	}
	return fmt.Sprintf("too many requests from this client: retry in %s", retrySeconds(f.RetryAfter)+"s")
}

// Config sets the limits; zero values are no limit.
type Config struct {
	// Rate is how many requests per second one client may make on average
	// (0: no rate limit).
	Rate float64
	// Burst is how many requests one client may make at once before the
	// rate applies; 0 is Rate rounded up, at least 1.
	Burst int
	// Concurrency is how many requests of one client may be in flight at
	// once (0: no limit).
	Concurrency int
	// MaxClients bounds the clients tracked at once (default 100000): past
	// it, and until idle clients are forgotten, new clients share one
	// allowance, so that memory stays bounded whatever the number of
	// addresses.
	MaxClients int
	// Client names the client of a request (default: its remote address).
	Client func(*http.Request) string
	// Skip exempts a request from the limits (default: none).
	Skip func(*http.Request) bool
	// Refuse answers a refused request; the Retry-After header is already
	// set. Default: a plain-text 429.
	Refuse func(http.ResponseWriter, *http.Request, Refusal)
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Limiter keeps one allowance per client.
type Limiter struct {
	cfg       Config
	mu        sync.Mutex
	clients   map[string]*client
	overflow  *client // shared by the clients past MaxClients
	lastSweep time.Time
}

type client struct {
	bucket   *rate.Limiter // nil without a rate limit
	inFlight int
}

// How often idle clients are forgotten, at most.
const (
	sweepEvery    = time.Minute
	sweepWhenFull = time.Second
)

// New returns a Limiter; with no limit set it lets everything through.
func New(cfg Config) *Limiter {
	if cfg.Rate < 0 || math.IsNaN(cfg.Rate) || math.IsInf(cfg.Rate, 0) {
		cfg.Rate = 0
	}
	if cfg.Rate > 0 && cfg.Burst <= 0 {
		cfg.Burst = max(1, int(math.Ceil(cfg.Rate)))
	}
	if cfg.MaxClients <= 0 {
		cfg.MaxClients = 100000
	}
	if cfg.Client == nil {
		cfg.Client = Proxies(nil).Client
	}
	if cfg.Refuse == nil {
		cfg.Refuse = func(w http.ResponseWriter, _ *http.Request, f Refusal) {
			http.Error(w, f.Message(), http.StatusTooManyRequests)
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Limiter{cfg: cfg, clients: map[string]*client{}}
}

// Enabled reports whether any limit is set.
func (l *Limiter) Enabled() bool { return l.cfg.Rate > 0 || l.cfg.Concurrency > 0 }

// Clients is how many clients are tracked now.
func (l *Limiter) Clients() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// Wrap applies the limits to every request next serves but those Skip
// exempts.
func (l *Limiter) Wrap(next http.Handler) http.Handler {
	if !l.Enabled() {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.cfg.Skip != nil && l.cfg.Skip(r) {
			next.ServeHTTP(w, r)
			return
		}
		name := l.cfg.Client(r)
		c, refusal := l.admit(name)
		if refusal != nil {
			w.Header().Set("Retry-After", retrySeconds(refusal.RetryAfter))
			l.cfg.Refuse(w, r, *refusal)
			return
		}
		defer l.done(name, c)
		next.ServeHTTP(w, r)
	})
}

// admit takes a token and a place in flight for the client, or says why not.
func (l *Limiter) admit(name string) (*client, *Refusal) {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.lookup(name, now)
	if l.cfg.Concurrency > 0 && c.inFlight >= l.cfg.Concurrency {
		return nil, &Refusal{Limit: LimitConcurrency, Client: name, RetryAfter: time.Second}
	}
	if c.bucket != nil {
		res := c.bucket.ReserveN(now, 1)
		if delay := res.DelayFrom(now); !res.OK() || delay > 0 {
			res.CancelAt(now)
			return nil, &Refusal{Limit: LimitRate, Client: name, RetryAfter: delay}
		}
	}
	c.inFlight++
	return c, nil
}

// done gives back the client's place in flight.
func (l *Limiter) done(name string, c *client) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c.inFlight--
	if c.inFlight == 0 && c.bucket == nil && l.clients[name] == c {
		delete(l.clients, name) // nothing left to remember
	}
}

// lookup finds or makes the client's entry. Callers hold mu.
func (l *Limiter) lookup(name string, now time.Time) *client {
	if c, ok := l.clients[name]; ok {
		return c
	}
	if now.Sub(l.lastSweep) >= sweepEvery || len(l.clients) >= l.cfg.MaxClients && now.Sub(l.lastSweep) >= sweepWhenFull {
		l.sweep(now)
	}
	if len(l.clients) >= l.cfg.MaxClients {
		if l.overflow == nil {
			l.overflow = l.newClient()
		}
		return l.overflow
	}
	c := l.newClient()
	l.clients[name] = c
	return c
}

func (l *Limiter) newClient() *client {
	c := &client{}
	if l.cfg.Rate > 0 {
		c.bucket = rate.NewLimiter(rate.Limit(l.cfg.Rate), l.cfg.Burst) // full
	}
	return c
}

// sweep forgets the clients a new entry would treat the same: none of their
// requests in flight and their bucket full again. Callers hold mu.
func (l *Limiter) sweep(now time.Time) {
	l.lastSweep = now
	for name, c := range l.clients {
		if c.inFlight == 0 && (c.bucket == nil || c.bucket.TokensAt(now) >= float64(l.cfg.Burst)) {
			delete(l.clients, name)
		}
	}
}

// retrySeconds is a Retry-After value: whole seconds, rounded up, at least 1.
func retrySeconds(d time.Duration) string {
	return strconv.FormatInt(max(1, int64(math.Ceil(d.Seconds()))), 10)
}
