package learners

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
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
		var args db.Args
		cond := sc.Where("l.antenna_id", &args) + " AND l.phone IN (" + db.InList(&args, phones) + ")"
		rows, err := d.QueryContext(ctx, "SELECT "+Columns+learnerFrom+" WHERE l.merged_into IS NULL AND "+cond+
			fmt.Sprintf(" ORDER BY l.last_key, l.first_key, l.id LIMIT %d", limit), args...)
		list, err := db.Collect[*Learner](rows, err)(scanOne)
		if err != nil || len(list) > 0 {
			return list, err
		}
	}
	if q == "" {
		var args db.Args
		where := sc.Where("l.antenna_id", &args)
		rows, err := d.QueryContext(ctx, "SELECT "+Columns+learnerFrom+" WHERE l.merged_into IS NULL AND "+where+
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
	digits, international, ok = check.Dialled(q)
	if !ok {
		return "", false, false
	}
	return digits, international, len(digits) >= minPhoneDigits
}

// searchPhone finds the files whose number starts or ends with the digits typed.
// An international start ("+33 6 12") walks the phone index itself; a national one
// ("0612") the national numbers without their 0; an end the reversed numbers.
func searchPhone(ctx context.Context, d *db.DB, sc auth.Scope, digits string, international bool, limit int) ([]*Learner, error) {
	if international {
		var args db.Args
		lo, hi := prefixRange("+" + digits)
		cond := "l.phone >= " + args.Add(lo) + " AND l.phone < " + args.Add(hi) + " AND l.merged_into IS NULL AND " + sc.Where("l.antenna_id", &args)
		rows, err := d.QueryContext(ctx, "SELECT "+Columns+learnerFrom+" WHERE l.id IN (SELECT l.id FROM learners l WHERE "+
			cond+fmt.Sprintf(" ORDER BY l.phone LIMIT %d) ORDER BY l.last_key, l.first_key, l.id LIMIT %d", limit, limit), args...)
		return db.Collect[*Learner](rows, err)(scanOne)
	}
	ws, err := scopeOfWalks(ctx, d, sc)
	if err != nil || ws == nil {
		return nil, err
	}
	return ws.search(ctx, d, []keyWalk{
		{kind: keyPhone, lead: strings.TrimPrefix(digits, "0")},
		{kind: keyPhoneRv, lead: reverse(digits)},
	}, limit)
}

// searchNames finds the files that have, for each key typed, a word of a name
// starting with it. One key is a walk of the words' index in its order. With
// more, the index rows of each key are first counted up to commonKey: the
// rarest key leads the walk and the others are looked up in each file's own
// words, so that a walk reads at most commonKey rows. When every key is
// common ("moussa keita" in a million files), their ranges are met instead
// (each read once, in index order), unless the keys are a letter or two, whose
// files share words so often that the walk finds enough at once.
func searchNames(ctx context.Context, d *db.DB, sc auth.Scope, keys []string, limit int) ([]*Learner, error) {
	slices.SortStableFunc(keys, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	if len(keys) > maxSearchWords {
		keys = keys[:maxSearchWords]
	}
	ws, err := scopeOfWalks(ctx, d, sc)
	if err != nil || ws == nil {
		return nil, err
	}
	walk := keyWalk{kind: keyWord, lead: keys[0], also: keys[1:]}
	if len(keys) > 1 && ws.wide() {
		counts := make(map[string]int, len(keys))
		for _, k := range keys {
			if counts[k], err = ws.countUpTo(ctx, d, keyWord, k, commonKey); err != nil {
				return nil, err
			}
		}
		slices.SortStableFunc(keys, func(a, b string) int { return counts[a] - counts[b] })
		// The partner of a meet is the longest other key (the first of the longest
		// when counts tie): its range is the smallest that a count could not tell.
		partner := 1
		for i, k := range keys[1:] {
			if utf8.RuneCountInString(k) > utf8.RuneCountInString(keys[partner]) {
				partner = i + 1
			}
		}
		keys[1], keys[partner] = keys[partner], keys[1]
		walk = keyWalk{kind: keyWord, lead: keys[0], also: keys[1:]}
		walk.meet = counts[keys[0]] >= commonKey && utf8.RuneCountInString(keys[0]) > shortKey && utf8.RuneCountInString(keys[1]) > shortKey
	}
	return ws.search(ctx, d, []keyWalk{walk}, limit)
}

// commonKey is how many index rows make a key common: a walk led by a rarer key
// looks up the others' words in at most that many files. (A variable so that
// tests meet the ranges of a few files.)
var commonKey = 3000

// shortKey is the longest key (in letters) that is short enough for its files to
// match the other keys often: "a m" is walked, never met.
const shortKey = 2

// keyWalk is one walk of learner_keys: the keys of a kind starting with lead, of
// files that also have words starting with each of also. meet reads the files of
// lead and of also[0] from their two ranges of the index and keeps those in both,
// rather than walking lead's range and looking each file up.
type keyWalk struct {
	kind, lead string
	also       []string
	meet       bool
}

// walkSpread is how many key rows a walk reads per file asked for: a file may
// match by several of its words ("am" in "Amina Amrani").
const walkSpread = 4

// walkScope is where the walks of learner_keys go for a searcher: each antenna's
// own index for staff of a few antennas, the association-wide one (filtered by
// antenna above that) otherwise.
type walkScope struct {
	each       []string // one walk per item: "" or "antenna_id = N AND "
	inAntennas string   // "antenna_id IN (…) AND ", or ""
}

// scopeOfWalks is the walk scope of sc, or nil when sc sees no antenna.
// Antenna ids are ours and inlined, so that PostgreSQL plans each walk for them.
func scopeOfWalks(ctx context.Context, d *db.DB, sc auth.Scope) (*walkScope, error) {
	ws := &walkScope{each: []string{""}}
	if sc.All {
		return ws, nil
	}
	antennas, err := auth.AntennasOf(ctx, d, sc.StaffID)
	if err != nil || len(antennas) == 0 {
		return nil, err
	}
	ids := make([]string, len(antennas))
	for i, id := range antennas {
		ids[i] = fmt.Sprint(id)
	}
	if len(antennas) > fewAntennas {
		ws.inAntennas = "antenna_id IN (" + strings.Join(ids, ", ") + ") AND "
		return ws, nil
	}
	ws.each = nil
	for _, id := range ids {
		ws.each = append(ws.each, "antenna_id = "+id+" AND ")
	}
	return ws, nil
}

// wide reports whether the walks go through the association-wide index.
func (ws *walkScope) wide() bool { return len(ws.each) == 1 && ws.each[0] == "" }

// cond is the condition on alias's antenna (one of each, or "") and kind, ending
// in AND.
func (ws *walkScope) cond(alias, antenna, kind string) string {
	c := alias + ".kind = '" + kind + "' AND "
	if antenna != "" {
		c = alias + "." + antenna + c
	}
	if ws.inAntennas != "" {
		c = alias + "." + ws.inAntennas + c
	}
	return c
}

// keyRange is the condition that alias's word_key starts with key, its
// arguments appended to args.
func keyRange(alias, key string, args *db.Args) string {
	lo, hi := prefixRange(key)
	from := args.Add(lo)
	if hi == "" {
		// No upper bound in the index: the comparison of the start keeps to the prefix.
		return fmt.Sprintf("%s.word_key >= %s AND substr(%s.word_key, 1, %d) = %s", alias, from, alias, utf8.RuneCountInString(key), from)
	}
	return fmt.Sprintf("%s.word_key >= %s AND %s.word_key < %s", alias, from, alias, args.Add(hi))
}

// countUpTo counts the index rows of key (of a kind) in the walk scope, reading
// no more than most.
func (ws *walkScope) countUpTo(ctx context.Context, d *db.DB, kind, key string, most int) (int, error) {
	var args db.Args
	cond := ws.cond("k", "", kind) + keyRange("k", key, &args)
	var n int
	err := d.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM learner_keys k WHERE %s LIMIT %d) c", cond, most), args...).Scan(&n)
	return n, err
}

// search runs the walks, each in its index's order and stopping after a few rows
// per file asked for, then returns the files found in name order.
func (ws *walkScope) search(ctx context.Context, d *db.DB, walks []keyWalk, limit int) ([]*Learner, error) {
	var args db.Args
	var selects []string
	for _, w := range walks {
		for _, antenna := range ws.each {
			also, alias := w.also, "k"
			from := "learner_keys k WHERE " + ws.cond("k", antenna, w.kind) + keyRange("k", w.lead, &args)
			order := " ORDER BY k.word_key, k.learner_id"
			if w.meet {
				// Both ranges read whole, in one pass each; the files in both come out
				// by number.
				from = "(SELECT k.learner_id FROM " + from + " INTERSECT SELECT m.learner_id FROM learner_keys m WHERE " +
					ws.cond("m", antenna, w.kind) + keyRange("m", also[0], &args) + ") w WHERE 1 = 1"
				also, alias, order = also[1:], "w", ""
			}
			// Each other key is looked up in the file's own words, row by row of the
			// walk: written as a scalar subquery, which PostgreSQL keeps as a
			// look-up, where it would turn EXISTS into a join that hashes every
			// file of a common key ("a": 150,000 rows) before the first is found.
			for _, other := range also {
				from += " AND (SELECT 1 FROM learner_keys o WHERE o.learner_id = " + alias + ".learner_id AND o.kind = '" + w.kind +
					"' AND " + keyRange("o", other, &args) + " LIMIT 1) IS NOT NULL"
			}
			selects = append(selects, fmt.Sprintf("SELECT w.learner_id FROM (SELECT %s.learner_id FROM %s%s LIMIT %d) w",
				alias, from, order, walkSpread*limit))
		}
	}
	rows, err := d.QueryContext(ctx, "SELECT "+Columns+learnerFrom+" WHERE l.id IN ("+strings.Join(selects, " UNION ")+
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
	args := db.Args{int64(0), antennaID, status} // $1: the file number the page starts after
	q := "SELECT " + Columns + learnerFrom + " WHERE l.id > $1 AND l.merged_into IS NULL AND ($2 = 0 OR l.antenna_id = $2)" +
		" AND ($3 = '' OR l.status = $3) AND " + sc.Where("l.antenna_id", &args) + fmt.Sprintf(" ORDER BY l.id LIMIT %d", eachPage)
	for {
		rows, err := d.QueryContext(ctx, q, args...)
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
		args[0] = list[len(list)-1].ID
	}
}
