package notify

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestLogMailerWritesTheMessage(t *testing.T) {
	var buf bytes.Buffer
	m, err := NewMailer("", slog.New(slog.NewTextHandler(&buf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	m.Send(context.Background(), Email{To: "ines@example.org", ToName: "Inès", Subject: "Bonjour", Body: "Lien : https://x/y"})
	for _, want := range []string{"ines@example.org", "Inès", "https://x/y"} {
		if !strings.Contains(buf.String(), want) {
			t.Fatalf("log lacks %q: %s", want, buf.String())
		}
	}
}

func TestBadSMTPURLIsRefused(t *testing.T) {
	for _, u := range []string{
		"http://x",
		"smtp://host:25",
		"smtp://",
		"smtp://:25?from=a@tremplin.example",
		"smtp://host:99999?from=a@tremplin.example",
		"smtp://host:25?from=not-an-address",
		"smtp://host:25?from=a@tremplin.example&tls=maybe",
		"smtps://host?from=a@tremplin.example&tls=none",
		"smtp://admin:s3cr%3Ft@host:port?from=a@tremplin.example",
	} {
		_, err := NewMailer(u, slog.Default())
		if err == nil {
			t.Errorf("%q accepted", u)
		} else if strings.Contains(err.Error(), "s3cr") {
			t.Errorf("%q: the error shows the password: %v", u, err)
		}
	}
}

// The URL decides the port, the TLS mode, the sender's name and whether to sign in.
func TestSMTPURL(t *testing.T) {
	for _, c := range []struct {
		url      string
		port     int
		security security
		fromName string
		user     string
	}{
		{"smtp://smtp.example.org?from=antenne@tremplin.example", 587, startTLSIfOffered, "", ""},
		{"smtp://u:p@smtp.example.org:2525?from=antenne@tremplin.example&tls=starttls&name=Tremplin Lille", 2525, startTLSRequired, "Tremplin Lille", "u"},
		{"smtp://127.0.0.1:1025?tls=none&from=antenne@tremplin.example&name=" + "%D8%AA%D8%B1%D8%A7%D9%85%D8%A8%D9%84%D8%A7%D9%86", 1025, plainText, "ترامبلان", ""},
		{"smtps://relay%40tremplin.example:p@mail.example.org?from=Tremplin <antenne@tremplin.example>", 465, implicitTLS, "Tremplin", "relay@tremplin.example"},
	} {
		m, err := newSMTPMailer(c.url, slog.Default())
		if err != nil {
			t.Errorf("%q: %v", c.url, err)
			continue
		}
		if m.port != c.port || m.security != c.security || m.from.Name != c.fromName || m.from.Address != "antenne@tremplin.example" || m.user != c.user || m.domain != "tremplin.example" {
			t.Errorf("%q: port %d, security %d, from %q <%s>, user %q, domain %q", c.url, m.port, m.security, m.from.Name, m.from.Address, m.user, m.domain)
		}
	}
}
