package web

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

type requestIDKey struct{}

// RequestID returns the id given to this request, shown on error pages so that a
// person can quote it and an operator can find the matching log line.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// StatusWriter remembers the status a handler answered with, for the access
// log and the audit: 0 while nothing is written, 200 for a body alone.
type StatusWriter struct {
	http.ResponseWriter
	Status int
	wrote  bool
}

func (w *StatusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.Status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *StatusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.Status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushing an export).
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observe gives each request an id, logs it when done, and turns a panic into the
// 500 page instead of a dropped connection.
func Observe(log *slog.Logger, onPanic func(w http.ResponseWriter, r *http.Request)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b := make([]byte, 6)
			rand.Read(b)
			id := hex.EncodeToString(b)
			r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
			sw := &StatusWriter{ResponseWriter: w}
			start := time.Now()
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.Error("panic", "request_id", id, "method", r.Method, "path", r.URL.Path, "panic", p)
					if !sw.wrote {
						onPanic(sw, r)
					}
				}
				log.Info("request", "request_id", id, "method", r.Method, "path", r.URL.Path,
					"status", sw.Status, "duration", time.Since(start))
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// Deadline bounds the time a request may take: its database work runs under its
// context, so that a database that hangs gives the 503 page (Fail) after page
// (or after long for a request that isLong, an export or a download) instead of
// a connection dropped by the server's write timeout. The write deadline is
// moved to match, with time to send the answer.
func Deadline(page, long time.Duration, isLong func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			d := page
			if isLong(r) {
				d = long
			}
			// Not every writer can (a test's recorder): then the server's applies.
			_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d + 30*time.Second))
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// SecureHeaders sets the headers every response carries: no inline script, no
// framing, no MIME sniffing, no referrer sent to other sites.
func SecureHeaders(https bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
				"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
			if https {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// LimitBody caps request bodies; ParseForm turns the overflow into ErrTooLarge.
// File uploads (multipart) may be up to maxUpload: a partner's list of people is
// larger than any form.
func LimitBody(max, maxUpload int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			limit := max
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				limit = maxUpload
			}
			if r.ContentLength > limit {
				// Refuse at once rather than read what is too large anyway.
				limit = 0
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression); return w }}

// Compress gzips text responses for clients that accept it. Responses that are
// already encoded (the pre-compressed assets) pass through untouched.
func Compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		cw := &compressWriter{ResponseWriter: w}
		defer cw.Close()
		next.ServeHTTP(cw, r)
	})
}

type compressWriter struct {
	http.ResponseWriter
	zw      *gzip.Writer
	decided bool
}

func (c *compressWriter) WriteHeader(code int) {
	if !c.decided {
		c.decided = true
		h := c.Header()
		ct := h.Get("Content-Type")
		// Office files (…openxmlformats…) are zip archives already.
		compressible := strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") ||
			(strings.Contains(ct, "xml") && !strings.Contains(ct, "openxmlformats")) || strings.Contains(ct, "calendar")
		if compressible && h.Get("Content-Encoding") == "" && code != http.StatusNoContent && code != http.StatusNotModified {
			h.Set("Content-Encoding", "gzip")
			h.Del("Content-Length")
			c.zw = gzipPool.Get().(*gzip.Writer)
			c.zw.Reset(c.ResponseWriter)
		}
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *compressWriter) Write(b []byte) (int, error) {
	if !c.decided {
		if c.Header().Get("Content-Type") == "" {
			c.Header().Set("Content-Type", http.DetectContentType(b))
		}
		c.WriteHeader(http.StatusOK)
	}
	if c.zw != nil {
		return c.zw.Write(b)
	}
	return c.ResponseWriter.Write(b)
}

func (c *compressWriter) Close() {
	if c.zw != nil {
		c.zw.Close()
		gzipPool.Put(c.zw)
		c.zw = nil
	}
}

// FlushError sends what has been compressed so far: a handler that streams (an
// export's first rows, the header of a long download) flushes so that the
// browser gets it now, not when the compressor's window fills.
func (c *compressWriter) FlushError() error {
	if !c.decided {
		if c.Header().Get("Content-Type") == "" {
			return nil // nothing written: nothing to decide on nor to send
		}
		c.WriteHeader(http.StatusOK)
	}
	if c.zw != nil {
		if err := c.zw.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(c.ResponseWriter).Flush()
}

// Flush is FlushError for handlers that ask for an http.Flusher.
func (c *compressWriter) Flush() { c.FlushError() }

func (c *compressWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// ForwardedFor takes the client's address from the last X-Forwarded-For entry,
// the one our own reverse proxy appended, so that per-address limits (sign-in,
// registration) count people rather than the proxy. Only for deployments behind a
// proxy: otherwise anyone could choose their address.
func ForwardedFor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			last := strings.TrimSpace(xff[strings.LastIndexByte(xff, ',')+1:])
			if ip, err := netip.ParseAddr(last); err == nil {
				r2 := *r
				r2.RemoteAddr = netip.AddrPortFrom(ip, 0).String()
				r = &r2
			}
		}
		next.ServeHTTP(w, r)
	})
}
