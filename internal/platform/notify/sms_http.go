package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HTTPSMS hands text messages to an SMS provider's web API: one POST per message
// to URL, with the token as a bearer credential, and the fields to, body and from
// as JSON (the default) or as a form.
type HTTPSMS struct {
	URL    string // where to POST, without the token
	Token  string
	From   string // sender name or number, when the provider wants one
	Form   bool   // send application/x-www-form-urlencoded instead of JSON
	Client *http.Client
}

// NewSMS returns the log driver for an empty URL, else an HTTP driver for a URL such
// as https://sms.example.org/send?token=SECRET&from=Tremplin[&format=form]. The
// token may also be given as the URL's user (https://SECRET@sms.example.org/send).
// It is never sent in the URL, only in the Authorization header.
func NewSMS(rawURL string, log *slog.Logger) (SMS, error) {
	if rawURL == "" {
		return LogSMS{Log: log}, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("SMS URL: expected https://host/path?token=…&from=…")
	}
	q := u.Query()
	s := &HTTPSMS{Token: q.Get("token"), From: q.Get("from"), Client: &http.Client{Timeout: 10 * time.Second}}
	switch q.Get("format") {
	case "", "json":
	case "form":
		s.Form = true
	default:
		return nil, errors.New("SMS URL: format must be json or form")
	}
	if s.Token == "" && u.User != nil {
		s.Token = u.User.Username()
	}
	if s.Token == "" {
		return nil, errors.New("SMS URL: the token= parameter is required")
	}
	q.Del("token")
	q.Del("from")
	q.Del("format")
	u.User = nil
	u.RawQuery = q.Encode()
	s.URL = u.String()
	return s, nil
}

// SendSMS posts one message; any answer other than 2xx is an error.
func (s *HTTPSMS) SendSMS(ctx context.Context, to, body string) error {
	var (
		payload []byte
		ctype   string
	)
	if s.Form {
		v := url.Values{"to": {to}, "body": {body}}
		if s.From != "" {
			v.Set("from", s.From)
		}
		payload, ctype = []byte(v.Encode()), "application/x-www-form-urlencoded"
	} else {
		m := map[string]string{"to": to, "body": body}
		if s.From != "" {
			m["from"] = s.From
		}
		payload, _ = json.Marshal(m)
		ctype = "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+s.Token)
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("sms: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		snippet, _ := io.ReadAll(io.LimitReader(res.Body, 200))
		return fmt.Errorf("sms: provider answered %s: %s", res.Status, strings.TrimSpace(string(snippet)))
	}
	io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
	return nil
}
