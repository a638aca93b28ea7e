package learners

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/db"
)

// KeysVersion is the version of wordKey and phoneKeys: raise it when either changes,
// so that FillKeys recomputes every file's keys at the next start.
//
// 2: a phone's national number is known for every country (libphonenumber), not
// only for the few an older table had.
const KeysVersion = 2

// Kinds of rows in learner_keys (migration 0044).
const (
	keyWord    = "w" // a word of a name, or a whole name
	keyPhone   = "p" // national significant number
	keyPhoneRv = "r" // the same, reversed
)

// wordFolds are the letters that read the same to the people who search: final
// sigma, and the Arabic and Persian forms of one letter. Hamzas and accents go
// with the marks that NFD splits off.
var wordFolds = map[rune]rune{
	'ς': 'σ', 'ة': 'ه', 'ى': 'ي', 'ی': 'ي', 'ک': 'ك', 'ٱ': 'ا',
}

// wordKey is how words of names are compared by search: NameKey after splitting
// off every accent (NFD), in every script, so that "Nguyễn", "NGUYEN" and "nguyen"
// or "أحمد" and "احمد" are the same word.
func wordKey(s string) string {
	k := NameKey(norm.NFD.String(s))
	return strings.Map(func(r rune) rune {
		if f, ok := wordFolds[r]; ok {
			return f
		}
		if r == 'ـ' { // tatweel only stretches a word
			return -1
		}
		return r
	}, k)
}

// nameWords are the search keys of a person's names: each word of each name
// ("Fatima Zahra" → fatima, zahra), each whole name (fatimazahra), and an Arabic
// word without its article (الزهراء → زهراء too).
func nameWords(first, last string) []string {
	var out []string
	add := func(k string) {
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, name := range []string{first, last} {
		for part := range strings.FieldsFuncSeq(name, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
		}) {
			k := wordKey(part)
			add(k)
			if rest, ok := strings.CutPrefix(k, "ال"); ok && len([]rune(rest)) >= 2 {
				add(rest)
			}
		}
		add(wordKey(name))
	}
	return out
}

// nationalNumber is an E.164 number's national significant number: without the +,
// the calling code and any trunk 0 (+33612345678 → 612345678).
func nationalNumber(e164 string) string {
	rest, ok := strings.CutPrefix(e164, "+")
	if !ok {
		return ""
	}
	if _, national, known := check.SplitPhone(e164); known {
		return national
	}
	return rest
}

func reverse(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}

// keyed is what a file's search keys are made of.
type keyed struct {
	id, antenna        int64
	first, last, phone string
}

func (k keyed) rows() [][2]string {
	var out [][2]string
	for _, w := range nameWords(k.first, k.last) {
		out = append(out, [2]string{keyWord, w})
	}
	if n := nationalNumber(k.phone); n != "" {
		out = append(out, [2]string{keyPhone, n}, [2]string{keyPhoneRv, reverse(n)})
	}
	return out
}

// keysPerStatement bounds the rows of one INSERT (4 parameters each).
const keysPerStatement = 500

// writeKeys replaces the search keys of the files given: every writer of a file's
// names, phone or antenna calls it in its transaction.
func writeKeys(ctx context.Context, tx db.Execer, files ...keyed) error {
	for start := 0; start < len(files); start += keysPerStatement {
		chunk := files[start:min(start+keysPerStatement, len(files))]
		ids := make([]int64, len(chunk))
		for i, f := range chunk {
			ids[i] = f.id
		}
		var args db.Args
		if _, err := tx.ExecContext(ctx, "DELETE FROM learner_keys WHERE learner_id IN ("+db.InList(&args, ids)+")", args...); err != nil {
			return err
		}
	}
	return insertKeys(ctx, tx, files)
}

func insertKeys(ctx context.Context, tx db.Execer, files []keyed) error {
	var q strings.Builder
	var args db.Args
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO learner_keys (learner_id, antenna_id, kind, word_key) VALUES "+q.String(), args...)
		q.Reset()
		args = args[:0]
		return err
	}
	for _, f := range files {
		for _, r := range f.rows() {
			if len(args) > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(" + args.In(f.id, f.antenna, r[0], r[1]) + ")")
			if len(args) >= 4*keysPerStatement {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// dropKeys removes a file's keys (a merged file is found through the one kept).
func dropKeys(ctx context.Context, tx db.Execer, id int64) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM learner_keys WHERE learner_id = $1", id)
	return err
}

// keyIndexes are learner_keys' indexes (migration 0044), built once after a full fill.
var keyIndexes = []string{
	"CREATE INDEX learner_keys_word ON learner_keys (kind, word_key, learner_id, antenna_id)",
	"CREATE INDEX learner_keys_antenna ON learner_keys (antenna_id, kind, word_key, learner_id)",
	"CREATE INDEX learner_keys_learner ON learner_keys (learner_id, kind, word_key)",
}

// FillKeys computes every file's search keys when they were made by an older
// version of the code (or never: a database from before migration 0044). It
// writes progress to out (may be nil). A million files take about a minute, once.
// Processes starting together on one PostgreSQL fill them once: the state row is
// locked for the whole fill, and the second finds it done.
func FillKeys(ctx context.Context, d *db.DB, out io.Writer) error {
	return rebuildKeys(ctx, d, out, false)
}

// RebuildKeys recomputes every file's search keys, whatever their version.
func RebuildKeys(ctx context.Context, d *db.DB, out io.Writer) error {
	return rebuildKeys(ctx, d, out, true)
}

// rebuildKeys does the work in one transaction, dropping the indexes for the load
// and building them once at the end.
func rebuildKeys(ctx context.Context, d *db.DB, out io.Writer, always bool) error {
	if out == nil {
		out = io.Discard
	}
	start := time.Now()
	return d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE learner_keys_state SET version = version WHERE id = 1"); err != nil {
			return err
		}
		var version int
		if err := tx.QueryRowContext(ctx, "SELECT version FROM learner_keys_state WHERE id = 1").Scan(&version); err != nil {
			return err
		}
		if version == KeysVersion && !always {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM learner_keys"); err != nil {
			return err
		}
		for _, name := range []string{"learner_keys_word", "learner_keys_antenna", "learner_keys_learner"} {
			if _, err := tx.ExecContext(ctx, "DROP INDEX IF EXISTS "+name); err != nil {
				return err
			}
		}
		const page = 20_000
		var after int64
		total := 0
		for {
			rows, err := tx.QueryContext(ctx, `SELECT id, antenna_id, first_name, last_name, phone FROM learners
				WHERE id > $1 AND merged_into IS NULL ORDER BY id LIMIT $2`, after, page)
			files, err := db.Collect[keyed](rows, err)(func(r db.Scanner) (keyed, error) {
				var f keyed
				err := r.Scan(&f.id, &f.antenna, &f.first, &f.last, &f.phone)
				return f, err
			})
			if err != nil {
				return err
			}
			if len(files) == 0 {
				break
			}
			if err := insertKeys(ctx, tx, files); err != nil {
				return err
			}
			after = files[len(files)-1].id
			total += len(files)
			if total%200_000 < page {
				fmt.Fprintf(out, "  search keys: %d files (%s)\n", total, time.Since(start).Round(time.Second))
			}
		}
		for _, ix := range keyIndexes {
			if _, err := tx.ExecContext(ctx, ix); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "ANALYZE learner_keys"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE learner_keys_state SET version = $1 WHERE id = 1", KeysVersion)
		return err
	})
}
