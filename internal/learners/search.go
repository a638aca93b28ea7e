package learners

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
)

// maxSearchWords bounds how many words of a name search are looked up; further
// (shorter) words are left out.
const maxSearchWords = 4

// fewAntennas is how many antennas a person may see for the name search to walk
// each antenna's own indexes; above it, the association-wide ones are walked and
// filtered by antenna.
const fewAntennas = 8

// Search finds files in scope by phone or by names. A phone may be typed whole, in
// any form (countries are those of the searcher's antennas, to read national
// numbers), or in part: 4 digits or more from its start ("0612", "+33 6 12") or
// its end ("56 78"). A name is found by the start of any of its words, in any
// order, without regard to case or accents, in every script: "zahra amrani" finds
// "Fatima Zahra El Amrani". An empty query lists the latest files. At most limit
// files come back: when as many come back, there may be more, and a longer query
// narrows them.
func Search(ctx context.Context, d *db.DB, sc auth.Scope, countries []string, q string, limit int) ([]*Learner, error) {
	q = strings.TrimSpace(q)
	if phones := phoneCandidates(countries, q); strings.ContainsAny(q, "0123456789٠١٢٣٤٥٦٧٨٩") && len(phones) > 0 {
		where, args := sc.Where("l.antenna_id", 1)
		for _, p := range phones {
			args = append(args, p)
		}
		rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+learnerFrom+" WHERE l.merged_into IS NULL AND "+where+
			" AND l.phone IN ("+placeholders(3, len(phones))+fmt.Sprintf(") ORDER BY l.last_key, l.first_key, l.id LIMIT %d", limit), args...)
		list, err := db.Collect[*Learner](rows, err)(scanOne)
		if err != nil || len(list) > 0 {
			return list, err
		}
	}
	if q == "" {
		where, args := sc.Where("l.antenna_id", 1)
		rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+learnerFrom+" WHERE l.merged_into IS NULL AND "+where+
			fmt.Sprintf(" ORDER BY l.created_at DESC, l.id DESC LIMIT %d", limit), args...)
		return db.Collect[*Learner](rows, err)(scanOne)
	}
	if digits, international, ok := phoneDigits(q); ok {
		return searchPhone(ctx, d, sc, digits, international, limit)
	}
	var keys []string
	for word := range strings.FieldsSeq(q) {
		if k := wordKey(word); k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	return searchNames(ctx, d, sc, keys, limit)
}

// minPhoneDigits is how many digits a part of a phone number needs to be searched.
const minPhoneDigits = 4

// phoneDigits reads q as a part of a phone number: its digits (Arabic-Indic ones
// too), whether it starts with + or 00, and false when q is not made of digits and
// separators only or has fewer than minPhoneDigits digits.
func phoneDigits(q string) (digits string, international, ok bool) {
	var b strings.Builder
	for i, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + (r - '٠'))
		case r >= '۰' && r <= '۹':
			b.WriteRune('0' + (r - '۰'))
		case r == '+' && i == 0:
			international = true
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '/' || unicode.IsSpace(r):
		default:
			return "", false, false
		}
	}
	digits = b.String()
	if rest, ok := strings.CutPrefix(digits, "00"); ok && !international {
		digits, international = rest, true
	}
	return digits, international, len(digits) >= minPhoneDigits
}

// searchPhone finds the files whose number starts or ends with the digits typed.
// An international start ("+33 6 12") walks the phone index itself; a national one
// ("0612") the national numbers without their 0; an end the reversed numbers.
func searchPhone(ctx context.Context, d *db.DB, sc auth.Scope, digits string, international bool, limit int) ([]*Learner, error) {
	if international {
		where, args := sc.Where("l.antenna_id", 1)
		lo, hi := prefixRange("+" + digits)
		args = append(args, lo, hi)
		n := len(args)
		rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+learnerFrom+" WHERE l.id IN (SELECT l.id FROM learners l WHERE "+
			fmt.Sprintf("l.phone >= $%d AND l.phone < $%d AND l.merged_into IS NULL AND %s ORDER BY l.phone LIMIT %d)", n-1, n, where, limit)+
			fmt.Sprintf(" ORDER BY l.last_key, l.first_key, l.id LIMIT %d", limit), args...)
		return db.Collect[*Learner](rows, err)(scanOne)
	}
	return searchKeys(ctx, d, sc, []keyWalk{
		{keyPhone, strings.TrimPrefix(digits, "0"), nil},
		{keyPhoneRv, reverse(digits), nil},
	}, limit)
}

// searchNames finds the files that have, for each key typed, a word of a name
// starting with it. The longest key leads a walk of the words' index in its order;
// each other key is a look-up in the file's own words.
func searchNames(ctx context.Context, d *db.DB, sc auth.Scope, keys []string, limit int) ([]*Learner, error) {
	slices.SortStableFunc(keys, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	if len(keys) > maxSearchWords {
		keys = keys[:maxSearchWords]
	}
	return searchKeys(ctx, d, sc, []keyWalk{{keyWord, keys[0], keys[1:]}}, limit)
}

// keyWalk is one walk of learner_keys: the keys of a kind starting with lead, of
// files that also have words starting with each of also.
type keyWalk struct {
	kind, lead string
	also       []string
}

// walkSpread is how many key rows a walk reads per file asked for: a file may
// match by several of its words ("am" in "Amina Amrani").
const walkSpread = 4

// searchKeys runs the walks, each in its index's order and stopping after a few
// rows per file asked for, led by the antenna for staff of a few antennas (the
// association-wide index is filtered by antenna above that), then returns the
// files found in name order.
func searchKeys(ctx context.Context, d *db.DB, sc auth.Scope, walks []keyWalk, limit int) ([]*Learner, error) {
	var antennas []int64
	if !sc.All {
		var err error
		if antennas, err = auth.AntennasOf(ctx, d, sc.StaffID); err != nil {
			return nil, err
		}
		if len(antennas) == 0 {
			return nil, nil
		}
	}
	// Antenna ids are ours and inlined, so that PostgreSQL plans each walk for them.
	var inAntennas string
	each := []string{""}
	if len(antennas) > 0 {
		ids := make([]string, len(antennas))
		for i, id := range antennas {
			ids[i] = fmt.Sprint(id)
		}
		if len(antennas) <= fewAntennas {
			each = nil
			for _, id := range ids {
				each = append(each, "k.antenna_id = "+id+" AND ")
			}
		} else {
			inAntennas = "k.antenna_id IN (" + strings.Join(ids, ", ") + ") AND "
		}
	}
	var args []any
	prefix := func(alias, key string) string {
		lo, hi := prefixRange(key)
		args = append(args, lo)
		n := len(args)
		if hi == "" {
			// No upper bound in the index: the comparison of the start keeps to the prefix.
			return fmt.Sprintf("%s.word_key >= $%d AND substr(%s.word_key, 1, %d) = $%d", alias, n, alias, utf8.RuneCountInString(key), n)
		}
		args = append(args, hi)
		return fmt.Sprintf("%s.word_key >= $%d AND %s.word_key < $%d", alias, n, alias, n+1)
	}
	var selects []string
	for _, w := range walks {
		for _, antenna := range each {
			cond := antenna + inAntennas + "k.kind = '" + w.kind + "' AND " + prefix("k", w.lead)
			for _, other := range w.also {
				cond += " AND EXISTS (SELECT 1 FROM learner_keys o WHERE o.learner_id = k.learner_id AND o.kind = '" + w.kind +
					"' AND " + prefix("o", other) + ")"
			}
			selects = append(selects, fmt.Sprintf("SELECT w.learner_id FROM (SELECT k.learner_id FROM learner_keys k WHERE %s ORDER BY k.word_key, k.learner_id LIMIT %d) w",
				cond, walkSpread*limit))
		}
	}
	rows, err := d.QueryContext(ctx, "SELECT "+learnerColumns+learnerFrom+" WHERE l.id IN ("+strings.Join(selects, " UNION ")+
		fmt.Sprintf(") AND l.merged_into IS NULL ORDER BY l.last_key, l.first_key, l.id LIMIT %d", limit), args...)
	return db.Collect[*Learner](rows, err)(scanOne)
}

// eachPage is how many files EachFile reads per query.
var eachPage = 5000

// EachFile calls fn for every file in scope (of one antenna and one status when
// not 0 and ""), in file-number order, as the rows are read: an export of a
// million files holds one page at a time. Pages follow each other by file number,
// so that each query starts at once on both engines and no read lasts long.
func EachFile(ctx context.Context, d *db.DB, sc auth.Scope, antennaID int64, status string, fn func(*Learner) error) error {
	where, args := sc.Where("l.antenna_id", 4)
	q := "SELECT " + learnerColumns + learnerFrom + " WHERE l.id > $1 AND l.merged_into IS NULL AND ($2 = 0 OR l.antenna_id = $2)" +
		" AND ($3 = '' OR l.status = $3) AND " + where + fmt.Sprintf(" ORDER BY l.id LIMIT %d", eachPage)
	var after int64
	for {
		rows, err := d.QueryContext(ctx, q, append([]any{after, antennaID, status}, args...)...)
		list, err := db.Collect[*Learner](rows, err)(scanOne)
		if err != nil {
			return err
		}
		for _, l := range list {
			if err := fn(l); err != nil {
				return err
			}
		}
		if len(list) < eachPage {
			return nil
		}
		after = list[len(list)-1].ID
	}
}
