package catalogue

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/training"
)

// The public catalogue is the most visited page and the same for every visitor in
// a language, so it is rendered once and served from memory for a few seconds:
// no query, no template, no compression per request. Any change made through
// training in this process drops the copies at once (training.Generation); the
// short lifetime bounds what another process sharing the database may show
// (seats left a few seconds old).

const publicTTL = 5 * time.Second

type cachedPage struct {
	at     time.Time
	gen    int64
	status int
	header http.Header
	body   []byte
	gz     []byte
}

type pageCache struct {
	mu    sync.Mutex
	pages map[string]*cachedPage
}

// recorder keeps what a handler writes.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }

// servePublic answers a visitor from the copy of the page for key, rendering it
// with render when there is none or it is too old. Staff (their menu is on the
// page) and anyone with a session (a one-time message may be waiting) get a fresh
// page.
func (h *Handlers) servePublic(w http.ResponseWriter, r *http.Request, key string, render func(w http.ResponseWriter, r *http.Request)) {
	if auth.Current(r.Context()) != nil || h.hasSession(r) {
		render(w, r)
		return
	}
	key = i18n.FromContext(r.Context()).Lang + "|" + r.URL.Path + "|" + key
	gen := training.Generation()
	c := &h.pages
	c.mu.Lock()
	p := c.pages[key]
	c.mu.Unlock()
	if p == nil || p.gen != gen || time.Since(p.at) > publicTTL {
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		render(rec, r)
		p = &cachedPage{at: time.Now(), gen: gen, status: rec.status, header: rec.header, body: rec.body.Bytes()}
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(p.body)
		zw.Close()
		p.gz = gz.Bytes()
		if p.status == http.StatusOK {
			c.mu.Lock()
			if c.pages == nil || len(c.pages) >= 1000 { // odd query strings cannot fill the memory
				c.pages = map[string]*cachedPage{}
			}
			c.pages[key] = p
			c.mu.Unlock()
		}
	}
	hd := w.Header()
	for k, v := range p.header {
		hd[k] = v
	}
	body := p.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		hd.Set("Content-Encoding", "gzip") // already compressed: the middleware lets it through
		body = p.gz
	}
	w.WriteHeader(p.status)
	w.Write(body)
}

func (h *Handlers) hasSession(r *http.Request) bool {
	if h.Auth == nil || h.Auth.Sessions == nil {
		return false
	}
	_, err := r.Cookie(h.Auth.Sessions.Cookie.Name)
	return err == nil
}
