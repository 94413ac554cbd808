"""Uploaded files are accepted by their content, not their name, and refused with a reason."""

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from academy.uploads import DEFAULT_TYPES, FILE_TYPES, Checked, check_upload, type_choices

ALL_TYPES = tuple(FILE_TYPES)
MB = 1024 * 1024

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>\n"
)


def archive(members: dict[str, bytes]) -> bytes:
    """A ZIP holding the members in the given order, mimetype stored as OpenDocument wants."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zip_file:
        for name, content in members.items():
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zip_file.writestr(name, content, compress_type=method)
    return buffer.getvalue()


def office_open_xml(main_part: str, **extra: bytes) -> bytes:
    return archive(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            main_part: b'<?xml version="1.0"?><document/>',
        }
        | extra
    )


OFFICE_NS = b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
ODF_NAMESPACES = OFFICE_NS + (
    b' xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0"'
    b' xmlns:xlink="http://www.w3.org/1999/xlink"'
    b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def odf_content(body: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?><office:document-content '
        + ODF_NAMESPACES
        + b">"
        + body
        + (b"</office:document-content>")
    )


def open_document(mimetype: str, **extra: bytes) -> bytes:
    return archive(
        {
            "mimetype": mimetype.encode(),
            "content.xml": odf_content(),
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest '
            b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        }
        | extra
    )


DOCX = office_open_xml("word/document.xml")
XLSX = office_open_xml("xl/workbook.xml")
PPTX = office_open_xml("ppt/presentation.xml")
ODT = open_document("application/vnd.oasis.opendocument.text")
ODS = open_document("application/vnd.oasis.opendocument.spreadsheet")
ODP = open_document("application/vnd.oasis.opendocument.presentation")

VALID = {
    "pdf": ("Esiselvitys.pdf", PDF),
    "docx": ("Esiselvitys.docx", DOCX),
    "xlsx": ("Hankinnat 2021.xlsx", XLSX),
    "pptx": ("Esitys.pptx", PPTX),
    "odt": ("Esiselvitys.odt", ODT),
    "ods": ("Hankinnat.ods", ODS),
    "odp": ("Esitys.odp", ODP),
    "txt": ("muistiinpanot.txt", "Hiilijalanjälki <b>ja</b> hankinnat\n".encode()),
    "csv": ("hankinnat.csv", "nimi;kunta\nMaija;Jyväskylä\n".encode()),
    "png": ("kaavio.png", PNG),
    "jpg": ("kuva.jpg", JPG),
}


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in their English source form."""
    with translation.override("en"):
        yield


class RawNameUpload(SimpleUploadedFile):
    """An upload whose name is kept as given, as another upload handler or caller could pass it.

    Django's own UploadedFile keeps only the last path component of a name.
    """

    @property
    def name(self) -> str:
        return self._raw_name

    @name.setter
    def name(self, value: str) -> None:
        self._raw_name = value


def refusal(
    name: str,
    content: bytes,
    allowed: tuple[str, ...] = ALL_TYPES,
    max_bytes: int = 10 * MB,
) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(RawNameUpload(name, content), allowed=allowed, max_bytes=max_bytes)
    return caught.value


def message(error: ValidationError) -> str:
    return str(error.messages[0])


@pytest.mark.parametrize("key", ALL_TYPES)
def test_a_valid_file_of_each_type_is_accepted(key):
    name, content = VALID[key]
    upload = SimpleUploadedFile(name, content)

    checked = check_upload(upload, allowed=[key], max_bytes=MB)

    assert checked == Checked(
        name=name,
        file_type=FILE_TYPES[key],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    assert upload.tell() == 0
    assert upload.read() == content


def test_the_extension_is_read_case_insensitively_and_jpeg_is_a_jpg():
    checked = check_upload(SimpleUploadedFile("KUVA.JPEG", JPG), allowed=["jpg"], max_bytes=MB)
    assert checked.file_type is FILE_TYPES["jpg"]
    assert checked.name == "KUVA.JPEG"


def test_a_large_file_is_read_in_chunks_and_hashed_whole():
    content = "Rivi, jossa on ääkkösiä\n".encode() * 20_000
    checked = check_upload(
        SimpleUploadedFile("iso.txt", content), allowed=["txt"], max_bytes=10 * MB
    )
    assert checked.size == len(content) > SimpleUploadedFile.DEFAULT_CHUNK_SIZE
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_a_finnish_name_is_accepted_and_normalised_to_nfc():
    assert check_upload(
        SimpleUploadedFile("Esiselvitys ä.pdf", PDF), allowed=["pdf"], max_bytes=MB
    ).name == ("Esiselvitys ä.pdf")
    decomposed = "Esiselvitys a\u0308 (1).pdf"
    checked = check_upload(SimpleUploadedFile(decomposed, PDF), allowed=["pdf"], max_bytes=MB)
    assert checked.name == "Esiselvitys \u00e4 (1).pdf"


def test_a_cp1252_csv_is_accepted():
    content = "nimi;kunta;summa\nÄänekoski;Jyväskylä;1 200 €\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    checked = check_upload(SimpleUploadedFile("kunnat.csv", content), allowed=["csv"], max_bytes=MB)
    assert checked.file_type is FILE_TYPES["csv"]


def test_a_utf8_csv_with_a_byte_order_mark_is_accepted():
    content = "\ufeffnimi;kunta\nÅsa;Åbo\n".encode()
    checked = check_upload(SimpleUploadedFile("kunnat.csv", content), allowed=["csv"], max_bytes=MB)
    assert checked.size == len(content)


def test_an_empty_file_is_refused():
    assert refusal("tyhjä.pdf", b"").code == "empty"
    assert message(refusal("tyhjä.pdf", b"")) == "The file is empty."


def test_a_file_over_the_cap_is_refused():
    error = refusal("iso.pdf", PDF + b"x" * MB, max_bytes=MB)
    assert error.code == "too_large"
    # 1 MB and the bytes of a PDF's start: shown precisely enough to differ from the limit.
    size = f"{MB + len(PDF):,}"
    assert message(error) == f"The file is too large: {size} bytes. The limit is 1,048,576 bytes."
    error = refusal("iso.pdf", PDF + b"x" * (20 * MB), max_bytes=20 * MB - 30 * 1024)
    assert message(error) == "The file is too large: 20.00 MB. The limit is 19.97 MB."
    error = refusal("iso.pdf", PDF + b"x" * (21 * MB), max_bytes=20 * MB)
    assert message(error) == "The file is too large: 21.0\xa0MB. The limit is 20.0\xa0MB."


def test_a_file_larger_than_its_claimed_size_is_refused_while_reading():
    upload = SimpleUploadedFile("iso.pdf", PDF + b"x" * (2 * MB))
    upload.size = 100
    with pytest.raises(ValidationError) as caught:
        check_upload(upload, allowed=["pdf"], max_bytes=MB)
    assert caught.value.code == "too_large"
    assert upload.tell() == 0


def test_a_file_exactly_at_the_cap_is_accepted():
    checked = check_upload(SimpleUploadedFile("raja.pdf", PDF), allowed=["pdf"], max_bytes=len(PDF))
    assert checked.size == len(PDF)


def test_an_executable_renamed_pdf_is_refused():
    assert refusal("lasku.pdf", EXE).code == "content_mismatch"
    assert refusal("lasku.pdf", EXE + b"%PDF-1.4\n%%EOF\n").code == "content_mismatch"
    assert refusal("ohjelma.pdf", b"\x7fELF\x02\x01\x01" + PDF).code == "content_mismatch"


def test_an_html_file_renamed_pdf_is_refused():
    error = refusal("sivu.pdf", HTML)
    assert error.code == "content_mismatch"
    assert message(error) == (
        "The file name ends in .pdf, but its content is not in that format (PDF document)."
    )
    assert refusal("sivu.pdf", HTML + PDF).code == "content_mismatch"


def test_a_pdf_header_after_the_first_kilobyte_is_refused():
    assert check_upload(
        SimpleUploadedFile("a.pdf", b"\n" * 1000 + PDF), allowed=["pdf"], max_bytes=MB
    )
    assert refusal("a.pdf", b"\n" * 1024 + PDF).code == "content_mismatch"


def test_an_svg_with_a_script_is_refused_as_text_and_as_svg():
    assert refusal("kuva.txt", SVG).code == "active_content"
    assert refusal("kuva.svg", SVG).code == "type_not_allowed"


def test_html_renamed_txt_is_refused():
    assert refusal("sivu.txt", HTML).code == "active_content"
    assert refusal("sivu.csv", b"  \n<HTML><BODY>Hei</BODY></HTML>").code == "active_content"
    assert refusal("sivu.txt", "\ufeff<iframe src=x>".encode()).code == "active_content"


def test_a_script_tag_anywhere_near_the_start_of_a_text_file_is_refused():
    content = b"nimi;kunta\n" * 1000 + b'Maija;"<SCRIPT>alert(1)</SCRIPT>"\n'
    assert refusal("kunnat.csv", content).code == "active_content"


def test_a_shell_script_renamed_txt_is_refused():
    assert refusal("ohje.txt", b"#!/bin/sh\nrm -rf ~\n").code == "active_content"


def test_binary_or_utf16_content_renamed_txt_is_refused():
    assert refusal("ohjelma.txt", EXE).code == "content_mismatch"
    utf16 = refusal("teksti.txt", "Hei".encode("utf-16"))
    assert utf16.code == "utf16"
    assert "Save it as UTF-8" in utf16.message
    assert refusal("teksti.txt", "Hei maailma".encode("utf-16-le")).code == "utf16"
    assert refusal("kuva.txt", b"\x81\x8d\x8f\x90\x9d").code == "content_mismatch"


@pytest.mark.parametrize(
    ("name", "main_part"),
    [("makro.docx", "word/document.xml"), ("makro.xlsx", "xl/workbook.xml")],
)
def test_an_office_document_with_macros_is_refused(name, main_part):
    folder = main_part.partition("/")[0]
    content = office_open_xml(main_part, **{f"{folder}/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    assert refusal(name, content).code == "active_content"


@pytest.mark.parametrize(
    ("name", "mimetype", "member"),
    [
        ("makro.odt", "text", "Basic/Standard/Module1.xml"),
        ("makro.ods", "spreadsheet", "Basic/script-lc.xml"),
        ("makro.odp", "presentation", "Scripts/python/run.py"),
        ("makro.odt", "text", "scripts/javascript/run.js"),
    ],
)
def test_an_open_document_with_macros_is_refused(name, mimetype, member):
    content = open_document(f"application/vnd.oasis.opendocument.{mimetype}", **{member: b"x"})
    refused = refusal(name, content)
    assert refused.code == "active_content"
    assert "The document contains macros" in message(refused)


def test_an_open_document_with_toolbar_settings_is_accepted():
    content = open_document(
        "application/vnd.oasis.opendocument.text",
        **{"Configurations2/toolbar/custom.xml": b"<t/>", "Pictures/basic.png": b"x"},
    )
    checked = check_upload(SimpleUploadedFile("ohje.odt", content), allowed=["odt"], max_bytes=MB)
    assert checked.file_type == FILE_TYPES["odt"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("taulukko.docx", XLSX),
        ("teksti.xlsx", ODT),
        ("esitys.pptx", archive({"ppt/presentation.xml": b"<p/>"})),
        ("rikki.docx", DOCX[: len(DOCX) // 2]),
        ("teksti.odt", ODS),
        ("teksti.odt", DOCX),
        (
            "teksti.odt",
            archive(
                {
                    "content.xml": b"<x/>",
                    "mimetype": b"application/vnd.oasis.opendocument.text",
                }
            ),
        ),
        ("sivu.docx", b"<html><body>" + DOCX),
        ("kuva.png", JPG),
        ("kuva.jpg", PNG),
        ("kuva.png", b"\x7fELF" + PNG),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(name, content):
    assert refusal(name, content).code == "content_mismatch"


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\x.pdf", "C:\\temp\\x.pdf", "/x.pdf"])
def test_a_path_is_refused_as_a_name(name):
    assert refusal(name, PDF).code == "bad_name"


def test_django_keeps_only_the_last_part_of_a_path():
    upload = SimpleUploadedFile("../../etc/passwd.pdf", PDF)
    assert check_upload(upload, allowed=["pdf"], max_bytes=MB).name == "passwd.pdf"
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("..\\x.pdf", PDF), allowed=["pdf"], max_bytes=MB)
    assert caught.value.code == "bad_name"


@pytest.mark.parametrize(
    "name",
    [
        ".htaccess.pdf",
        "raportti\x00.pdf",
        "raportti\n.pdf",
        "lasku\u202efdp.exe.pdf",
        "a" * 197 + ".pdf",
        "",
    ],
)
def test_a_dangerous_name_is_refused(name):
    assert refusal(name, PDF).code == "bad_name"


def test_a_name_of_exactly_the_limit_is_accepted():
    name = "a" * 196 + ".pdf"
    assert check_upload(SimpleUploadedFile(name, PDF), allowed=["pdf"], max_bytes=MB).name == name


@pytest.mark.parametrize("name", ["raportti", "raportti.", "pdf"])
def test_a_name_without_an_extension_is_refused(name):
    error = refusal(name, PDF)
    assert error.code == "bad_name"
    assert "extension" in message(error)


def test_a_type_that_is_not_allowed_is_refused():
    name, content = VALID["png"]
    error = refusal(name, content, allowed=DEFAULT_TYPES)
    assert error.code == "type_not_allowed"
    assert message(error) == (
        "Files ending in .png are not accepted here. "
        "Allowed: .pdf, .docx, .xlsx, .pptx, .odt, .ods, .odp."
    )
    assert refusal("ohjelma.exe", EXE).code == "type_not_allowed"
    assert refusal("sivu.html", HTML).code == "type_not_allowed"


def test_unknown_or_no_allowed_types_are_a_programming_error():
    with pytest.raises(ValueError, match="svg"):
        check_upload(SimpleUploadedFile("a.pdf", PDF), allowed=["pdf", "svg"], max_bytes=MB)
    with pytest.raises(ValueError, match="At least one"):
        check_upload(SimpleUploadedFile("a.pdf", PDF), allowed=[], max_bytes=MB)


def test_svg_and_html_are_never_a_file_type():
    extensions = {
        extension for file_type in FILE_TYPES.values() for extension in file_type.extensions
    }
    assert not {"svg", "html", "htm"} & FILE_TYPES.keys()
    assert not {".svg", ".svgz", ".html", ".htm", ".xhtml"} & extensions


def test_type_choices_list_every_type_with_its_extensions():
    choices = type_choices()
    assert [key for key, _ in choices] == list(FILE_TYPES)
    assert set(DEFAULT_TYPES) <= FILE_TYPES.keys()
    assert {key: str(label) for key, label in choices}["jpg"] == "JPEG image (.jpg, .jpeg)"


def test_two_dots_inside_a_name_are_no_path():
    # Without a separator, ".." cannot leave the folder; storage names are generated anyway.
    checked = check_upload(
        SimpleUploadedFile("Raportti..v2.pdf", PDF), allowed=["pdf"], max_bytes=MB
    )
    assert checked.name == "Raportti..v2.pdf"


# Active content found by what a package says, not by what its parts are called.

MACRO_DOCX_TYPES = (
    b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)
VBA_RELATIONSHIP = (
    b'<?xml version="1.0"?><Relationships><Relationship Id="rId9" Target="harmless.dat" '
    b'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/></Relationships>'
)


@pytest.mark.parametrize(
    "content",
    [
        # The main part declared macro-enabled.
        archive(
            {
                "[Content_Types].xml": MACRO_DOCX_TYPES,
                "word/document.xml": b'<?xml version="1.0"?><document/>',
            }
        ),
        # The VBA project under another name, found through its relationship.
        office_open_xml(
            "word/document.xml",
            **{"word/_rels/document.xml.rels": VBA_RELATIONSHIP, "word/harmless.dat": b"\xd0\xcf"},
        ),
        # The VBA project's content type on a part with an innocent name.
        archive(
            {
                "[Content_Types].xml": b'<Types><Default Extension="dat" '
                b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                "word/document.xml": b"<document/>",
                "word/data.dat": b"\xd0\xcf",
            }
        ),
    ],
    ids=["macro-enabled main part", "renamed vba project", "vba content type"],
)
def test_a_word_document_with_macros_under_other_names_is_refused(content):
    assert refusal("makro.docx", content).code == "active_content"


@pytest.mark.parametrize(
    "body",
    [
        b"<office:scripts><office:event-listeners>"
        b'<script:event-listener script:language="ooo:script" script:event-name="dom:load" '
        b'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;'
        b'location=application"/></office:event-listeners></office:scripts>',
        # The same under another prefix bound to the script namespace, and the address
        # written with a character reference.
        b'<office:scripts><s:event-listener xmlns:s="urn:oasis:names:tc:opendocument:xmlns:'
        b'script:1.0" xlink:href="vnd.sun.star.script&#58;Tools.Run"/></office:scripts>',
        b'<text:p><text:a xlink:href="macro:///Tools.Misc.Run">x</text:a></text:p>',
        b"<text:p><text:a xlink:href='macro:///Tools.Misc.Run'>x</text:a></text:p>",
    ],
    ids=["runs on load", "other prefix", "macro link", "single quotes"],
)
def test_an_open_document_that_calls_a_macro_is_refused(body):
    content = open_document(
        "application/vnd.oasis.opendocument.text", **{"content.xml": odf_content(body)}
    )
    refused = refusal("makro.odt", content)
    assert refused.code == "active_content"


def test_a_macro_in_an_embedded_object_or_in_utf16_is_refused():
    listener = odf_content(
        b'<office:scripts><script:event-listener xlink:href="vnd.sun.star.script:x"/>'
        b"</office:scripts>"
    )
    embedded = open_document(
        "application/vnd.oasis.opendocument.text", **{"Object 1/content.xml": listener}
    )
    assert refusal("upotettu.odt", embedded).code == "active_content"
    utf16 = listener.decode().replace('version="1.0"?>', 'version="1.0" encoding="UTF-16"?>')
    wide = open_document(
        "application/vnd.oasis.opendocument.text", **{"content.xml": utf16.encode("utf-16")}
    )
    assert refusal("leveä.odt", wide).code == "active_content"


def test_an_open_document_with_the_usual_empty_scripts_element_and_words_is_accepted():
    content = open_document(
        "application/vnd.oasis.opendocument.text",
        **{
            "content.xml": odf_content(
                b'<office:scripts/><text:p>"macro: x" and vnd.sun.star.script: in text</text:p>'
            )
        },
    )
    check_upload(SimpleUploadedFile("ohje.odt", content), allowed=["odt"], max_bytes=MB)


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n%%EOF",
        b"%PDF-1.7\n1 0 obj<</Title (x)>>endobj\n<IFRAME src=//evil.example>\n%%EOF",
    ],
)
def test_a_pdf_that_is_also_a_web_page_is_refused(content):
    assert refusal("polyglotti.pdf", content).code == "active_content"


def bomb(name: str, size: int) -> bytes:
    """A document whose one part inflates to ``size`` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zip_file:
        zip_file.writestr("[Content_Types].xml", "<Types/>")
        zip_file.writestr("word/document.xml", "<document/>")
        with zip_file.open(name, "w", force_zip64=True) as member:
            block = b"\x00" * (1 << 20)
            for _ in range(size >> 20):
                member.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_named_docx_is_refused_without_being_unpacked():
    content = bomb("word/media/image1.png", 1024**3 + (1 << 20))
    assert len(content) < 2 * 1024**2
    refused = refusal("pommi.docx", content)
    assert refused.code == "archive_too_large"


def test_a_part_that_inflates_two_hundred_times_is_refused():
    refused = refusal("pommi.docx", bomb("word/media/big.bin", 64 * 1024**2))
    assert refused.code == "archive_too_large"


def test_an_archive_of_too_many_parts_is_refused():
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}
    members |= {f"word/media/{n}.png": b"x" for n in range(10_001)}
    assert refusal("monta.docx", archive(members)).code == "archive_too_large"


def relationships(*items: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/relationships">' + b"".join(items) + b"</Relationships>"
    )


@pytest.mark.parametrize(
    "extra",
    [
        # Spelt with character references, which an XML reader resolves.
        {
            "[Content_Types].xml": b'<Types><Override PartName="/word/document.xml" '
            b'ContentType="application/vnd.ms-word.document.macro&#x45;nabled.main+xml"/></Types>'
        },
        # The content types saved as UTF-16.
        {
            "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-16"?><Types><Default '
            'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'.encode(
                "utf-16"
            )
        },
        # A template with macros fetched from elsewhere when the document opens.
        {
            "word/_rels/settings.xml.rels": relationships(
                b'<Relationship Id="rId1" TargetMode="External" Target="https://evil.example/'
                b't.dotm" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/attachedTemplate"/>'
            )
        },
    ],
    ids=["character references", "utf-16", "remote template"],
)
def test_macros_hidden_from_a_text_search_are_found(extra):
    refused = refusal("makro.docx", office_open_xml("word/document.xml", **extra))
    assert refused.code == "active_content"


def test_an_excel_4_macro_sheet_is_refused():
    types = (
        b'<Types><Override PartName="/xl/macrosheets/sheet1.xml" '
        b'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>'
    )
    content = office_open_xml("xl/workbook.xml", **{"[Content_Types].xml": types})
    assert refusal("makro.xlsx", content).code == "active_content"


def test_a_link_whose_address_mentions_activex_is_not_a_macro():
    link = relationships(
        b'<Relationship Id="rId5" TargetMode="External" Target="https://example.fi/activex-ohje"'
        b' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>'
    )
    content = office_open_xml("word/document.xml", **{"word/_rels/document.xml.rels": link})
    check_upload(SimpleUploadedFile("ohje.docx", content), allowed=["docx"], max_bytes=MB)


def test_thousands_of_relationship_parts_are_refused_quickly():
    import time

    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"}
    members |= {f"word/_rels/{n}.rels": relationships() for n in range(5000)}
    started = time.monotonic()
    refusal("monta.docx", archive(members))
    assert time.monotonic() - started < 10


def test_many_parts_of_a_megabyte_that_inflate_are_refused_as_a_whole():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zip_file:
        zip_file.writestr("[Content_Types].xml", "<Types/>")
        zip_file.writestr("word/document.xml", "<document/>")
        for n in range(300):
            zip_file.writestr(f"word/media/{n}.bin", b"\x00" * (1024**2 - 1))
    assert refusal("pommi.docx", buffer.getvalue()).code == "archive_too_large"
