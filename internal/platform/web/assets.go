package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
)

//go:embed assets
var assetFiles embed.FS

// Assets serves the embedded stylesheet and images at URLs that change with their
// content, so browsers may keep them for a year and still never see a stale one.
type Assets struct {
	byURL  map[string]*asset
	byName map[string]string
}

type asset struct {
	body, gz []byte
	ctype    string
}

// NewAssets minifies, hashes and compresses the embedded assets once at start.
func NewAssets() (*Assets, error) {
	a := &Assets{byURL: map[string]*asset{}, byName: map[string]string{}}
	err := fs.WalkDir(assetFiles, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assetFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		ext := path.Ext(name)
		if ext == ".css" {
			body = minifyCSS(body)
		}
		sum := sha256.Sum256(body)
		url := "/assets/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		a.byURL[url] = &asset{body: body, gz: gz.Bytes(), ctype: mime.TypeByExtension(ext)}
		a.byName[name] = url
		return nil
	})
	return a, err
}

// URL returns the content-hashed URL of an asset by its file name.
func (a *Assets) URL(name string) string { return a.byName[name] }

// Size returns the compressed and raw size of an asset, for the page-weight budget.
func (a *Assets) Size(url string) (gz, raw int) {
	if x := a.byURL[url]; x != nil {
		return len(x.gz), len(x.body)
	}
	return 0, 0
}

func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := a.byURL[r.URL.Path]
	if x == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", x.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	body := x.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = x.gz
	}
	w.Write(body)
}

var (
	cssComments = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssSpace    = regexp.MustCompile(`\s+`)
	cssPunct    = regexp.MustCompile(`\s*([{};,>])\s*`)
	cssColon    = regexp.MustCompile(`([{;])\s*([a-z-]+)\s*:\s*`)
)

// minifyCSS removes comments and the whitespace the stylesheet does not need. Our
// one hand-written stylesheet has no strings containing these characters, so this
// small pass is enough; it keeps spaces in selectors and values that need them.
func minifyCSS(b []byte) []byte {
	b = cssComments.ReplaceAll(b, nil)
	b = cssSpace.ReplaceAll(b, []byte(" "))
	b = cssPunct.ReplaceAll(b, []byte("$1"))
	b = cssColon.ReplaceAll(b, []byte("$1$2:"))
	b = bytes.ReplaceAll(b, []byte(";}"), []byte("}"))
	return bytes.TrimSpace(b)
}
