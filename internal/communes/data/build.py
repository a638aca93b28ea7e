# Adds lat,lon (4 decimals) to communes.csv.gz from GeoNames cities500 (admin4 = INSEE code).
import csv, gzip, io, sys, unicodedata, re, collections
src_communes, cities500, out = sys.argv[1:4]
def norm(s):
    s = unicodedata.normalize('NFKD', s).encode('ascii', 'ignore').decode().lower()
    s = re.sub(r'\bst\b', 'saint', s); s = re.sub(r'\bste\b', 'sainte', s)
    return re.sub(r'[^a-z0-9]+', '', s)
rows = list(csv.DictReader(io.TextIOWrapper(gzip.open(src_communes), encoding='utf-8')))
byinsee = collections.defaultdict(list)
mayotte = {}
for line in open(cities500, encoding='utf-8'):
    f = line.rstrip('\n').split('\t')
    if f[8] == 'YT' and not f[13] and f[7].startswith('PPL'):
        mayotte[norm(f[1])] = (f[1], float(f[4]), float(f[5]), f[7], int(f[14] or 0))
    if f[8] not in ('FR', 'GP', 'MQ', 'GF', 'RE', 'YT') or not f[13]:
        continue
    byinsee[f[13]].append((f[1], float(f[4]), float(f[5]), f[7], int(f[14] or 0)))
coords, how = {}, collections.Counter()
for r in rows:  # GeoNames files Mayotte's communes without INSEE codes: by name.
    if r['departement'] == '976' and norm(r['name']) in mayotte:
        byinsee.setdefault(r['insee'], [mayotte[norm(r['name'])]])
for r in rows:
    c = byinsee.get(r['insee'])
    if not c:
        continue
    same = [x for x in c if norm(x[0]) == norm(r['name'])]
    pick = same[0] if same else max(c, key=lambda x: (x[3].startswith('PPLA') or x[3] == 'PPLC', x[4]))
    coords[r['insee']] = (pick[1], pick[2]); how['geonames' if same else 'geonames-other-name'] += 1
# Fallbacks: mean of located communes sharing a postcode, else of the département.
bypc, bydep = collections.defaultdict(list), collections.defaultdict(list)
for r in rows:
    if r['insee'] in coords:
        for pc in r['postcodes'].split():
            bypc[pc].append(coords[r['insee']])
        bydep[r['departement']].append(coords[r['insee']])
mean = lambda l: (sum(x[0] for x in l)/len(l), sum(x[1] for x in l)/len(l))
for r in rows:
    if r['insee'] in coords: continue
    near = [p for pc in r['postcodes'].split() for p in bypc.get(pc, [])]
    if near:
        coords[r['insee']] = mean(near); how['postcode'] += 1
    elif bydep.get(r['departement']):
        coords[r['insee']] = mean(bydep[r['departement']]); how['departement'] += 1
    else:
        how['none'] += 1
import math
def km(a, b):
    p1, p2, dl = math.radians(a[0]), math.radians(b[0]), math.radians(b[1]-a[1])
    h = math.sin((p2-p1)/2)**2 + math.cos(p1)*math.cos(p2)*math.sin(dl/2)**2
    return 12742*math.asin(math.sqrt(h))
errs = []  # leave-one-out: how far off the postcode fallback is for communes GeoNames locates
for r in rows:
    if how and r['insee'] in byinsee:
        me = coords[r['insee']]
        near = [p for pc in r['postcodes'].split() for p in bypc.get(pc, []) if p != me]
        if near: errs.append(km(me, mean(near)))
errs.sort()
print('postcode fallback error km: median %.1f p90 %.1f n=%d' % (errs[len(errs)//2], errs[len(errs)*9//10], len(errs)), file=sys.stderr)
print(dict(how), len(rows), file=sys.stderr)
buf = io.StringIO(); w = csv.writer(buf, lineterminator='\n')
w.writerow(['insee', 'name', 'postcodes', 'departement', 'lat', 'lon'])
for r in rows:
    lat, lon = ('%.4f' % coords[r['insee']][0], '%.4f' % coords[r['insee']][1]) if r['insee'] in coords else ('', '')
    w.writerow([r['insee'], r['name'], r['postcodes'], r['departement'], lat, lon])
with open(out, 'wb') as f:
    f.write(gzip.compress(buf.getvalue().encode(), 9, mtime=0))
