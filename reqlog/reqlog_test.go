package reqlog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	tests := []struct {
		name string
		id   string
		want bool
	}{
		{"OKHex", "0123456789abcdef", true},
		{"OKUUID", "3f2c1a9e-5b7d-4c1e-9a2b-0d8e7f6a5b4c", true},
		{"OKDotsUnderscores", "req_1.a-B", true},
		{"OKLongest", strings.Repeat("a", 64), true},
		{"ErrEmpty", "", false},
		{"ErrTooLong", strings.Repeat("a", 65), false},
		{"ErrSpace", "a b", false},
		{"ErrNewline", "a\nfake=1", false},
		{"ErrQuote", `a"b`, false},
		{"ErrNonASCII", "请求", false},
		{"ErrSlash", "a/b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Valid(tt.id); got != tt.want {
				t.Errorf("Valid(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

func TestFromClient(t *testing.T) {
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)
	tests := []struct {
		name, sent string
		keep       bool
	}{
		{"OKKept", "client-42", true},
		{"ErrReplacedWhenEmpty", "", false},
		{"ErrReplacedWhenUnsafe", "<script>", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromClient(tt.sent)
			if tt.keep && got != tt.sent {
				t.Errorf("FromClient(%q) = %q, want it kept", tt.sent, got)
			}
			if !tt.keep && !hex16.MatchString(got) {
				t.Errorf("FromClient(%q) = %q, want 16 fresh hex digits", tt.sent, got)
			}
		})
	}
	t.Run("OKFreshIDsDiffer", func(t *testing.T) {
		if New() == New() {
			t.Error("two fresh ids are equal")
		}
	})
}

func TestHandler(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		log  func(l *slog.Logger, ctx context.Context)
		want string // the request_id of the line; "" for none
	}{
		{"OKContext", WithID(context.Background(), "abc"), func(l *slog.Logger, ctx context.Context) { l.InfoContext(ctx, "hello") }, "abc"},
		{"OKWithAttrs", WithID(context.Background(), "abc"), func(l *slog.Logger, ctx context.Context) { l.With("k", "v").WarnContext(ctx, "hello") }, "abc"},
		{"OKNoID", context.Background(), func(l *slog.Logger, ctx context.Context) { l.InfoContext(ctx, "hello") }, ""},
		{"ErrNoContext", WithID(context.Background(), "abc"), func(l *slog.Logger, ctx context.Context) { l.Info("hello") }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := slog.New(NewHandler(slog.NewJSONHandler(&buf, nil)))
			tt.log(l, tt.ctx)
			var line map[string]any
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("%v: %s", err, buf.Bytes())
			}
			got, _ := line[Key].(string)
			if got != tt.want {
				t.Errorf("request_id %q, want %q: %s", got, tt.want, buf.Bytes())
			}
		})
	}
	t.Run("OKWrapsOnce", func(t *testing.T) {
		h := NewHandler(slog.NewJSONHandler(&bytes.Buffer{}, nil))
		if NewHandler(h) != h {
			t.Error("wrapping a wrapped handler wraps it again")
		}
	})
}
