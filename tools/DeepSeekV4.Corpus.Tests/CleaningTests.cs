using DeepSeekV4.Corpus.Cleaning;
using DeepSeekV4.Corpus.Sources;

namespace DeepSeekV4.Corpus.Tests;

public sealed class CleaningTests
{
    [Fact]
    public void Html_keeps_paragraphs_and_preformatted_lines_and_drops_navigation_scripts_and_header_links()
    {
        const string html = """
            <!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body>
            <div class="related" role="navigation"><ul><li><a href="x">index</a></li><div>nested</div></ul></div>
            <div class="navheader">Prev Next</div>
            <div id="banner"><a href="http://example/get/"><span class="text">Download the ebook</span></a></div>
            <ul class="docnav top"><li class="previous"><a href="a.html"><strong>Prev</strong></a></li></ul>
            <h1>Installing &amp; upgrading<a class="headerlink" href="#x">¶</a></h1>
            <p>Use   <code>apt&nbsp;upgrade</code>
            to upgrade &lt;all&gt; packages.</p><!-- a comment -->
            <pre>line one
              line two</pre>
            <script>var nav = 1;</script>
            <div class="footer">© Copyright</div>
            </body></html>
            """;
        string text = TextCleaner.Clean(HtmlToText.Convert(html));
        Assert.Equal("Installing & upgrading\n\nUse apt upgrade to upgrade <all> packages.\n\nline one\n  line two", text);
    }

    [Fact]
    public void Cleaner_collapses_justification_caps_indentation_drops_rules_and_keeps_one_blank_line_between_paragraphs()
    {
        string raw = "Title\r\n\r\n\r\n" + new string(' ', 14) + "deeply   indented\t\ttext   \n+------+-----+\n| a | b |\n──────────\n}\n\n\n\nEnd\u00AD";
        Assert.Equal("Title\n\n" + new string(' ', TextCleaner.MaxIndent) + "deeply indented text\n| a | b |\n}\n\nEnd", TextCleaner.Clean(raw));
    }

    [Fact]
    public void Cleaner_drops_groff_running_header_and_footer_of_man_pages_only()
    {
        string page = "LS(1)                 User Commands                 LS(1)\n\nNAME\n       ls - list\n\nGNU coreutils 9.1      September 2022      LS(1)\n";
        Assert.Equal("NAME\n       ls - list", TextCleaner.Clean(page, manPage: true));
        Assert.StartsWith("LS(1) User Commands LS(1)", TextCleaner.Clean(page, manPage: false));
    }

    [Fact]
    public void Man_page_renders_through_groff_without_hyphenation_or_overstrikes()
    {
        string path = Path.Combine(Path.GetTempPath(), $"corpus-{Guid.NewGuid():N}.8");
        File.WriteAllText(path, ".TH DEMO 8 2024 \"demo 1.0\" \"System Administration\"\n.SH NAME\ndemo \\- show a \\fBbold\\fR and \\fIitalic\\fR word\n.SH DESCRIPTION\n.B demo\nreconfigures internationalization settings thoroughly.\n");
        try
        {
            string text = TextCleaner.Clean(ManPageRenderer.Render(path)!, manPage: true);
            Assert.Equal("NAME\n       demo - show a bold and italic word\n\nDESCRIPTION\n       demo reconfigures internationalization settings thoroughly.", text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Man_page_that_only_includes_another_renders_to_nothing()
    {
        Assert.True(ManPageRenderer.IsInclude(".so man3/printf.3\n"u8));
        Assert.False(ManPageRenderer.IsInclude(".TH X 1\n.SH NAME\nx\n"u8));
    }

    [Theory]
    [InlineData("library/os.html", true)]
    [InlineData("_sources/library/os.rst.txt.html", false)]
    [InlineData("genindex-A.html", false)]
    [InlineData("release-15-1.html", false)]
    [InlineData("sql-select.html", true)]
    [InlineData("whatsnew/changelog.html", false)]
    public void Html_catalog_skips_indexes_sources_and_change_logs(string path, bool kept) =>
        Assert.Equal(kept, SourceCatalog.KeepHtml(path));

    [Fact]
    public void Copyright_licences_come_from_the_machine_readable_fields_in_order()
    {
        const string copyright = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: x\nLicense: GPL-2+\n\nFiles: debian/*\nLicense: GPL-2+\n\nFiles: lib/*\nLicense: LGPL-2.1+ or CC-BY-SA-3.0\n\nLicense: BSD-3-clause\n Redistribution...\n";
        Assert.Equal(["GPL-2+", "LGPL-2.1+ or CC-BY-SA-3.0", "BSD-3-clause"], CopyrightLicenses.Read(copyright));
        Assert.Equal(["GPL (free-form copyright file)"], CopyrightLicenses.Read("distributed under the GNU General Public License, version 2"));
        Assert.Equal(["PSF-2.0 (free-form copyright file)"],
            CopyrightLicenses.Read("License:\nBy obtaining, using, and/or copying this software and/or its\nPYTHON SOFTWARE FOUNDATION LICENSE VERSION 2\n... unlike the GNU General Public License ..."));
    }
}
