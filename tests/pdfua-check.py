#!/usr/bin/python3
"""pdfua-check: checks a PDF against the machine-checkable conditions of PDF/UA-1
(ISO 14289-1) that cvpdf implements, numbered as the Matterhorn Protocol 1.1 numbers its
failure conditions, and, when the file says it is PDF/A-2 (XMP pdfaid), those of ISO 19005-2
that a writer like cvpdf can break. No PDF/UA validator is packaged in Debian 12; this is
not a full one (the human checks of the protocol - is the reading order right, is the alt
text meaningful - are for people), but every condition it lists it checks on every page.

Usage: pdfua-check.py FILE.pdf      prints one line per failure, exit 1 if any, 0 if none
Needs python3-pikepdf (Debian's /usr/bin/python3).
"""
import re
import sys

import pikepdf
from pikepdf import Name

STANDARD = {  # ISO 32000-1 §14.8.4 standard structure types
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl",
    "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note",
    "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT",
    "WP", "Figure", "Formula", "Form"}
PAINT = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "BI"}
TEXT = {"Tj", "TJ", "'", '"'}


class Checker:
    def __init__(self, path):
        self.pdf = pikepdf.open(path)
        self.fail = []
        self.xmp = ""
        self.role, self.elems, self.mcr, self.objr, self.headings = {}, [], {}, {}, []

    def bad(self, code, msg):
        self.fail.append("%s %s" % (code, msg))

    # ---- document level
    def document(self):
        root = self.pdf.Root
        mark = root.get("/MarkInfo")
        if not mark or not bool(mark.get("/Marked", False)):
            self.bad("01-002", "MarkInfo /Marked is not true")
        if mark and bool(mark.get("/Suspects", False)):
            self.bad("01-001", "MarkInfo /Suspects is true")
        if "/StructTreeRoot" not in root:
            self.bad("01-006", "no structure tree (/StructTreeRoot)")
        lang = str(root.get("/Lang", ""))
        if not lang.strip():
            self.bad("11-006", "the catalog has no /Lang")
        vp = root.get("/ViewerPreferences")
        if not vp or not bool(vp.get("/DisplayDocTitle", False)):
            self.bad("07-001", "ViewerPreferences /DisplayDocTitle is not true")
        self.xmp = ""
        if "/Metadata" not in root:
            self.bad("06-001", "no XMP metadata stream")
        else:
            self.xmp = root.Metadata.read_bytes().decode("utf-8", "replace")
            if not re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", self.xmp):
                self.bad("06-002", "XMP has no pdfuaid:part 1")
            if not re.search(r"<dc:title>.*?<rdf:li[^>]*>[^<]+</rdf:li>", self.xmp, re.S):
                self.bad("06-003", "XMP has no dc:title")
        if "/Encrypt" in self.pdf.trailer:
            self.bad("26-001", "the file is encrypted")

    # ---- the structure tree
    def tree(self):
        root = self.pdf.Root.get("/StructTreeRoot")
        if root is None:
            return
        self.role = {str(k): str(v) for k, v in root.get("/RoleMap", {}).items()}
        self.elems = []     # (elem, type, parent type)
        self.mcr = {}       # (page objgen, mcid) -> elem objgen
        self.objr = {}      # annotation objgen -> element type
        self.headings = []
        seen = set()
        stack = [(root.get("/K"), None, None)]
        order = []
        # depth-first in kid order: the reading order
        def walk(k, parent, ptype, page):
            if isinstance(k, pikepdf.Array):
                for x in k:
                    walk(x, parent, ptype, page)
                return
            if isinstance(k, int):
                if page is None:
                    self.bad("01-007", "an MCID kid of a %s without /Pg" % ptype)
                else:
                    self.mcr[(page.objgen, int(k))] = parent
                return
            if not isinstance(k, pikepdf.Dictionary):
                return
            t = k.get("/Type")
            if t == Name.MCR:
                pg = k.get("/Pg", page)
                if pg is None:
                    self.bad("01-007", "an MCR without a page")
                else:
                    self.mcr[(pg.objgen, int(k.MCID))] = parent
                return
            if t == Name.OBJR:
                self.objr[k.Obj.objgen] = ptype
                return
            if k.objgen in seen:
                self.bad("01-008", "a structure element reached twice")
                return
            seen.add(k.objgen)
            s = str(k.get("/S", ""))[1:]
            st = self.role.get("/" + s, "/" + s)[1:]
            if st not in STANDARD:
                self.bad("02-001", "structure type %s is not standard and not role-mapped" % s)
            self.elems.append((k, st, ptype))
            if re.fullmatch(r"H[1-6]", st):
                self.headings.append(int(st[1]))
            pg = k.get("/Pg", page)
            walk(k.get("/K"), k.objgen, st, pg)
        walk(root.get("/K"), None, "StructTreeRoot", None)
        parents = {"LI": {"L"}, "Lbl": {"LI"}, "LBody": {"LI"}, "TR": {"Table", "THead", "TBody", "TFoot"},
                   "TH": {"TR"}, "TD": {"TR"}, "THead": {"Table"}, "TBody": {"Table"}, "TFoot": {"Table"}}
        kids_ok = {"L": {"LI", "L", "Caption"}, "LI": {"Lbl", "LBody"}, "Table": {"TR", "THead", "TBody", "TFoot", "Caption"},
                   "TR": {"TH", "TD"}}
        ids = set()
        for e, st, pt in self.elems:
            if st in parents and pt not in parents[st]:
                self.bad("09-004" if st in ("TR", "TH", "TD", "THead", "TBody", "TFoot") else "09-005",
                         "%s inside %s" % (st, pt))
            if st in kids_ok:
                for x in (e.K if isinstance(e.get("/K"), pikepdf.Array) else [e.get("/K")]):
                    if isinstance(x, pikepdf.Dictionary) and "/S" in x:
                        xs = self.role.get(str(x.S), str(x.S))[1:]
                        if xs not in kids_ok[st]:
                            self.bad("09-004" if st in ("Table", "TR") else "09-005", "%s inside %s" % (xs, st))
            if st == "Figure" and not (str(e.get("/Alt", "")).strip() or str(e.get("/ActualText", "")).strip()):
                self.bad("13-004", "a Figure without /Alt")
            if st == "TH":
                a = e.get("/A")
                attrs = [a] if isinstance(a, pikepdf.Dictionary) else list(a) if isinstance(a, pikepdf.Array) else []
                if not any(x.get("/O") == Name.Table and "/Scope" in x for x in attrs if isinstance(x, pikepdf.Dictionary)) \
                        and "/Headers" not in str(attrs):
                    self.bad("15-003", "a TH without /Scope")
            if st == "Note":
                i = str(e.get("/ID", ""))
                if not i:
                    self.bad("19-003", "a Note without /ID")
                elif i in ids:
                    self.bad("19-004", "two Notes with ID %s" % i)
                ids.add(i)
        prev = 0
        for h in self.headings:
            if h > prev + 1:
                self.bad("14-003", "heading H%d after H%d" % (h, prev) if prev else "the first heading is H%d" % h)
            prev = h

    # ---- content streams
    def pages(self):
        root = self.pdf.Root.get("/StructTreeRoot")
        ptree = {}
        if root is not None and "/ParentTree" in root:
            nums = []
            def collect(node):
                if "/Nums" in node:
                    nums.extend(node.Nums)
                for kid in node.get("/Kids", []):
                    collect(kid)
            collect(root.ParentTree)
            for i in range(0, len(nums) - 1, 2):
                ptree[int(nums[i])] = nums[i + 1]
        found = set()
        for pno, page in enumerate(self.pdf.pages, 1):
            po = page.obj
            if str(po.get("/Tabs", "")) != "/S" and po.get("/Annots"):
                self.bad("28-010", "page %d has annotations and no /Tabs /S" % pno)
            sp = po.get("/StructParents")
            arr = ptree.get(int(sp)) if sp is not None else None
            stack = []  # ("mcid", n) | ("artifact",) | ("other",)
            for ins in pikepdf.parse_content_stream(page):
                op = str(ins.operator)
                if op in ("BDC", "BMC"):
                    tag = str(ins.operands[0])
                    props = ins.operands[1] if op == "BDC" and len(ins.operands) > 1 else None
                    if isinstance(props, pikepdf.Name):
                        props = page.Resources.Properties.get(props)
                    mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                    inside = [x[0] for x in stack]
                    if tag == "/Artifact":
                        if "mcid" in inside:
                            self.bad("01-003", "page %d: an artifact inside tagged content" % pno)
                        stack.append(("artifact",))
                    elif mcid is not None:
                        if "artifact" in inside:
                            self.bad("01-004", "page %d: tagged content inside an artifact" % pno)
                        if "mcid" in inside:
                            self.bad("01-009", "page %d: MCID %d inside another MCID" % (pno, int(mcid)))
                        m = int(mcid)
                        stack.append(("mcid", m))
                        if (po.objgen, m) in found:
                            self.bad("01-010", "page %d: MCID %d used twice" % (pno, m))
                        found.add((po.objgen, m))
                        if (po.objgen, m) not in self.mcr:
                            self.bad("01-011", "page %d: MCID %d is in no structure element" % (pno, m))
                        if arr is None or m >= len(arr) or not isinstance(arr[m], pikepdf.Dictionary) or \
                                arr[m].objgen != self.mcr.get((po.objgen, m)):
                            self.bad("01-012", "page %d: the ParentTree does not give MCID %d's element" % (pno, m))
                    else:
                        stack.append(("other",))
                elif op == "EMC":
                    if not stack:
                        self.bad("01-013", "page %d: EMC without BDC" % pno)
                    else:
                        stack.pop()
                elif op in PAINT:
                    kinds = [x[0] for x in stack]
                    if "mcid" not in kinds and "artifact" not in kinds:
                        self.bad("01-005", "page %d: '%s' neither tagged nor an artifact" % (pno, op))
                        break
            if stack:
                self.bad("01-013", "page %d: marked content left open" % pno)
            for a in po.get("/Annots", []):
                sub = a.get("/Subtype")
                if sub in (Name.Popup,):
                    continue
                if sub == Name.Link:
                    if self.objr.get(a.objgen) != "Link":
                        self.bad("28-011", "page %d: a link annotation is not in a Link element" % pno)
                    if not str(a.get("/Contents", "")).strip():
                        self.bad("28-012", "page %d: a link annotation without /Contents" % pno)
                    k = a.get("/StructParent")
                    if k is None or int(k) not in ptree:
                        self.bad("28-013", "page %d: a link annotation without its ParentTree entry" % pno)
        for (pg, m) in self.mcr:
            if (pg, m) not in found:
                self.bad("01-014", "the structure names MCID %d of a page where there is none" % m)

    # ---- fonts
    def fonts(self):
        for pno, page in enumerate(self.pdf.pages, 1):
            res = page.obj.get("/Resources", {})
            for name, f in res.get("/Font", {}).items():
                sub = f.get("/Subtype")
                if sub != Name.Type3:
                    desc = f.DescendantFonts[0].FontDescriptor if sub == Name.Type0 else f.get("/FontDescriptor")
                    if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        self.bad("31-001", "page %d: font %s is not embedded" % (pno, name))
                if "/ToUnicode" not in f:
                    self.bad("31-027", "page %d: font %s has no ToUnicode map" % (pno, name))

    # ---- PDF/A-2, when claimed
    def pdfa(self):
        m = re.search(r"<pdfaid:part>(\d)</pdfaid:part>", self.xmp)
        if not m:
            return False
        c = re.search(r"<pdfaid:conformance>([ABU])</pdfaid:conformance>", self.xmp)
        if m.group(1) != "2" or not c:
            self.bad("A-6.6.4", "XMP pdfaid is not part 2 with a conformance level")
        root = self.pdf.Root
        if "/Filter" in root.Metadata:
            self.bad("A-6.6.2.1", "the metadata stream is filtered")
        ois = root.get("/OutputIntents", [])
        if not any(o.get("/S") == Name.GTS_PDFA1 and "/DestOutputProfile" in o for o in ois):
            self.bad("A-6.2.3", "no GTS_PDFA1 output intent with an ICC profile")
        if "/ID" not in self.pdf.trailer:
            self.bad("A-6.1.3", "the trailer has no /ID")
        info = self.pdf.trailer.get("/Info", {})
        pairs = [("/Title", r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>"), ("/Author", r"<dc:creator>.*?<rdf:li>(.*?)</rdf:li>"),
                 ("/Producer", r"<pdf:Producer>(.*?)</pdf:Producer>")]
        for key, rx in pairs:
            x = re.search(rx, self.xmp, re.S)
            v = str(info.get(key, "")) if key in info else None
            xv = x.group(1).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"') if x else None
            if v != xv:
                self.bad("A-6.6.3", "Info %s %r does not match the XMP's %r" % (key, v, xv))
        if "/AA" in root or "/OCProperties" in root and False:
            self.bad("A-6.5", "the catalog has additional actions")
        for pno, page in enumerate(self.pdf.pages, 1):
            for a in page.obj.get("/Annots", []):
                f = int(a.get("/F", 0))
                if not f & 4 or f & 3:
                    self.bad("A-6.3.2", "page %d: an annotation that does not print" % pno)
                act = a.get("/A")
                if act is not None and act.get("/S") not in (Name.URI, Name.GoTo):
                    self.bad("A-6.5.1", "page %d: an annotation action %s" % (pno, act.get("/S")))
        return True

    def run(self):
        self.document()
        self.tree()
        self.pages()
        self.fonts()
        return self.pdfa()


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    c = Checker(sys.argv[1])
    pdfa = c.run()
    for f in c.fail:
        print("%s: %s" % (sys.argv[1], f))
    print("%s: %s, %d failure%s" % (sys.argv[1], "PDF/UA-1" + (" and PDF/A-2" if pdfa else ""), len(c.fail),
                                     "" if len(c.fail) == 1 else "s"))
    return 1 if c.fail else 0


if __name__ == "__main__":
    sys.exit(main())
