package messages

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
)

// A Template is a message text that managers may rewrite for their antenna, per
// language: its default is the catalog's text under Key. The packages that send
// messages declare theirs with Register.
type Template struct {
	Key string // the catalog key of the default text, e.g. appointment.sms_booked
	// Label is the catalog key that names it for managers.
	Label string
	// Placeholders are the {names} the text may use; Sample gives each a value for
	// the preview.
	Placeholders []string
	Sample       map[string]string
	// TailKey is the catalog key of words the sender adds after the text ("Cannot
	// come? Tell us here:") and Link a sample of the link that follows on its own
	// line: both count in the preview's length.
	TailKey string
	Link    string
}

var (
	registryMu sync.Mutex
	registry   []Template
)

// Register declares templates (at package initialisation).
func Register(ts ...Template) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry = append(registry, ts...)
	sort.Slice(registry, func(i, j int) bool { return registry[i].Key < registry[j].Key })
}

// Templates lists the registered templates.
func Templates() []Template {
	registryMu.Lock()
	defer registryMu.Unlock()
	return slices.Clone(registry)
}

// TemplateByKey finds a registered template.
func TemplateByKey(key string) (Template, bool) {
	for _, t := range Templates() {
		if t.Key == key {
			return t, true
		}
	}
	return Template{}, false
}

// Unknown returns the {names} of text that are not placeholders of t.
func (t Template) Unknown(text string) []string {
	var out []string
	for rest := text; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		name := rest[i+1 : i+j]
		if !slices.Contains(t.Placeholders, name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
		rest = rest[i+j+1:]
	}
	return out
}

// SampleArgs are the sample values as name, value pairs.
func (t Template) SampleArgs() []any {
	var args []any
	for _, p := range t.Placeholders {
		args = append(args, p, t.Sample[p])
	}
	return args
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type textKey struct {
	antenna   int64
	key, lang string
}

// Texts are the antennas' own wordings, loaded once for a batch of messages.
type Texts struct{ own map[textKey]string }

// LoadTexts reads the wordings of the given antennas (q: the database, or the
// transaction the messages are added in).
func LoadTexts(ctx context.Context, q querier, antennas ...int64) (*Texts, error) {
	t := &Texts{own: map[textKey]string{}}
	slices.Sort(antennas)
	antennas = slices.Compact(antennas)
	for start := 0; start < len(antennas); start += 500 {
		var args db.Args
		err := db.Each(q.QueryContext(ctx, `SELECT antenna_id, template_key, lang, body FROM message_templates WHERE antenna_id IN (`+
			db.InList(&args, antennas[start:min(start+500, len(antennas))])+`)`, args...))(func(row db.Scanner) error {
			var k textKey
			var body string
			if err := row.Scan(&k.antenna, &k.key, &k.lang, &body); err != nil {
				return err
			}
			t.own[k] = body
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// T is the text of key in lang for the antenna: its own wording when it has one,
// else the catalog's; {names} are filled from args.
func (t *Texts) T(antenna int64, lang, key string, args ...any) string {
	if t != nil {
		if own, ok := t.own[textKey{antenna, key, i18n.For(lang).Lang}]; ok {
			return i18n.Fill(own, args...)
		}
	}
	return i18n.For(lang).T(key, args...)
}

// Wording is the text of key in lang for one antenna (its own wording when it
// has one), read within q: for a single message composed in a transaction.
func Wording(ctx context.Context, q querier, antenna int64, lang, key string, args ...any) (string, error) {
	t, err := LoadTexts(ctx, q, antenna)
	if err != nil {
		return "", err
	}
	return t.T(antenna, lang, key, args...), nil
}

// Own returns the antenna's wording of key in lang, "" when it uses the default.
func (t *Texts) Own(antenna int64, lang, key string) string {
	return t.own[textKey{antenna, key, lang}]
}

// SaveText stores the antenna's wording of key in lang; an empty body goes back to
// the default.
func SaveText(ctx context.Context, d *db.DB, antenna int64, key, lang, body string, by int64) error {
	if strings.TrimSpace(body) == "" {
		_, err := d.Exec(ctx, `DELETE FROM message_templates WHERE antenna_id = $1 AND template_key = $2 AND lang = $3`, antenna, key, lang)
		return err
	}
	_, err := d.Exec(ctx, `INSERT INTO message_templates (antenna_id, template_key, lang, body, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (antenna_id, template_key, lang)
		DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		antenna, key, lang, body, db.NullID(by), db.Now())
	return err
}

// Month is what an antenna's SMS cost in a month: messages handed to the
// provider, their parts, and the estimate at the price of each day.
type Month struct {
	Messages, Parts int
	Cents           float64
	PriceCents      float64 // the price per part today
	PriceSince      time.Time
}

// ThisMonth counts the antenna's SMS sent in the month of now (its time zone) and
// prices each day's parts at the price in force that day (sms_prices: a dated
// parameter, changed by the board or the provider's contract).
func ThisMonth(ctx context.Context, d *db.DB, antenna int64, now time.Time) (*Month, error) {
	type price struct {
		from  time.Time
		cents float64
	}
	prices, err := db.Collect[price](d.QueryContext(ctx, `SELECT valid_from, cents_per_part FROM sms_prices ORDER BY valid_from`))(
		func(row db.Scanner) (price, error) {
			var p price
			var from string
			err := row.Scan(&from, &p.cents)
			p.from, _ = time.Parse(time.DateOnly, from)
			return p, err
		})
	if err != nil {
		return nil, err
	}
	var tz string
	if err := d.QueryRowContext(ctx, "SELECT timezone FROM antennas WHERE id = $1", antenna).Scan(&tz); err != nil {
		return nil, db.NotFound(err)
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	first := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc)
	m := &Month{}
	priceOn := func(day time.Time) (float64, time.Time) {
		var c float64
		var since time.Time
		for _, p := range prices {
			if !p.from.After(day) {
				c, since = p.cents, p.from
			}
		}
		return c, since
	}
	err = db.Each(d.QueryContext(ctx, `SELECT sent_at, segments FROM messages WHERE antenna_id = $1 AND channel = 'sms'
		AND sent_at <> '' AND sent_at >= $2 AND sent_at < $3`, antenna, db.FormatTime(first), db.FormatTime(first.AddDate(0, 1, 0))))(func(row db.Scanner) error {
		var at string
		var parts int
		if err := row.Scan(&at, &parts); err != nil {
			return err
		}
		c, _ := priceOn(db.ParseTime(at).In(loc))
		m.Messages++
		m.Parts += parts
		m.Cents += c * float64(parts)
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.PriceCents, m.PriceSince = priceOn(local)
	return m, nil
}
