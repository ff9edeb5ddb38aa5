package store_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// StatementCounter sits between the store and PostgreSQL and counts the SQL
// statements the store's connections send — Cayley's and ours alike — by
// reading the frontend messages of the wire protocol: a simple Query ('Q')
// or an Execute ('E') of the extended protocol is one statement.
type StatementCounter struct {
	ln     net.Listener
	target string
	n      atomic.Int64
	mu     sync.Mutex
	conns  []net.Conn
}

// MustCountStatements starts a counter in front of the server of dsn and
// returns dsn pointed at it; the counter stops when tb ends, after the
// stores opened later have closed.
func MustCountStatements(tb testing.TB, dsn string) (string, *StatementCounter) {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	c := &StatementCounter{ln: ln, target: u.Host}
	tb.Cleanup(c.close)
	go c.serve()
	u.Host = ln.Addr().String()
	return u.String(), c
}

// Statements is the number of statements sent so far.
func (c *StatementCounter) Statements() int64 { return c.n.Load() }

func (c *StatementCounter) serve() {
	for {
		client, err := c.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", c.target)
		if err != nil {
			client.Close()
			continue
		}
		c.mu.Lock()
		c.conns = append(c.conns, client, server)
		c.mu.Unlock()
		go func() {
			io.Copy(client, server)
			client.Close()
		}()
		go func() {
			c.forward(server, client)
			server.Close()
		}()
	}
}

// forward copies the client's messages to the server, counting statements.
// The first message, the startup packet, has no type byte.
func (c *StatementCounter) forward(server io.Writer, client io.Reader) {
	r := bufio.NewReader(client)
	var head [5]byte
	if _, err := io.ReadFull(r, head[:4]); err != nil {
		return
	}
	if err := copyBody(server, r, head[:4], binary.BigEndian.Uint32(head[:4])-4); err != nil {
		return
	}
	for {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return
		}
		if head[0] == 'Q' || head[0] == 'E' {
			c.n.Add(1)
		}
		if err := copyBody(server, r, head[:], binary.BigEndian.Uint32(head[1:])-4); err != nil {
			return
		}
	}
}

func copyBody(w io.Writer, r io.Reader, head []byte, n uint32) error {
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := io.CopyN(w, r, int64(n)); err != nil {
		return errors.Join(err, io.ErrUnexpectedEOF)
	}
	return nil
}

func (c *StatementCounter) close() {
	c.ln.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.conns {
		conn.Close()
	}
}
