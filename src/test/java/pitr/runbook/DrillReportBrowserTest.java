package pitr.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.print.PrintOptions;

/**
 * The drill report as a person sees it: loaded from disk, offline, in headless Chromium driven by
 * Selenium. The timeline and the throughput chart render with non-zero sizes, mark the incident's
 * moments, the page logs no console errors, prints, and keeps a dark background in dark mode.
 * Screenshots go to {@code target/drill-report*.png}. Skipped, saying why, when Chromium or
 * chromedriver is not installed ({@code .ci/run} installs Debian's {@code chromium} and {@code
 * chromium-driver}).
 */
class DrillReportBrowserTest {
  private static ChromeDriver browser;

  @TempDir static Path dir;

  private static Path onPath(String... names) {
    for (String name : names) {
      for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path p = Path.of(folder, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
      Path lib = Path.of("/usr/lib/chromium", name);
      if (Files.isExecutable(lib)) {
        return lib;
      }
    }
    return null;
  }

  /** Selenium's own logger, kept so its level holds: it warns about DevTools versions we skip. */
  private static final java.util.logging.Logger SELENIUM =
      java.util.logging.Logger.getLogger("org.openqa.selenium");

  @BeforeAll
  static void start() {
    SELENIUM.setLevel(Level.SEVERE);
    Path chromium = onPath("chromium", "chromium-browser", "google-chrome");
    Path driver = onPath("chromedriver");
    assumeTrue(
        chromium != null && driver != null,
        "headless Chromium and chromedriver are not installed; install Debian's chromium and"
            + " chromium-driver (.ci/run does) to check the report in a browser");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(new Dimension(1280, 1400));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
  }

  private static Path report() {
    return DrillReport.write(SampleDrill.result(), dir.resolve("report"));
  }

  /**
   * The page printed to PDF (base64). Headless Chromium now and then answers a print of a loaded
   * page with "Printing failed" when the machine is busy; that is asked again, twice at most.
   */
  private static String printed() {
    for (int attempt = 1; ; attempt++) {
      try {
        return browser.print(new PrintOptions()).getContent();
      } catch (org.openqa.selenium.InvalidArgumentException e) {
        if (attempt == 3 || e.getMessage() == null || !e.getMessage().contains("Printing failed")) {
          throw e;
        }
      }
    }
  }

  private static void screenshot(String name) throws IOException {
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        target,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void report_rendersItsTimelineAndChart_markingTheIncident_withoutConsoleErrors()
      throws IOException {
    browser.get(report().toUri().toString());

    WebElement timeline = browser.findElement(By.id("timeline"));
    assertThat(timeline.getSize().getWidth()).isPositive();
    assertThat(timeline.getSize().getHeight()).isPositive();
    List<WebElement> bars = timeline.findElements(By.cssSelector(".bar"));
    assertThat(bars).hasSize(SampleDrill.result().steps().size());
    assertThat(bars).allMatch(b -> b.getSize().getHeight() > 0 && b.getSize().getWidth() > 0);
    assertThat(timeline.findElements(By.cssSelector(".bar.jump")))
        .singleElement()
        .extracting(WebElement::getText)
        .isEqualTo("clock moved +10.00 s");
    assertThat(timeline.findElements(By.cssSelector(".marker"))).isNotEmpty();
    WebElement longest = timeline.findElements(By.cssSelector(".label")).get(3);
    assertThat(longest.getText()).endsWith("whose name is long enough to wrap");

    WebElement chart = browser.findElement(By.id("throughput"));
    assertThat(chart.getSize().getWidth()).isPositive();
    assertThat(chart.getSize().getHeight()).isPositive();
    assertThat(chart.findElements(By.cssSelector("rect.wcu"))).hasSize(7);
    assertThat(chart.findElements(By.cssSelector(".marker-label")))
        .extracting(WebElement::getText)
        .containsExactly("T0", "incident end", "recovery start", "verified");
    assertThat(chart.getText())
        .contains("write units per second (WCU/s)")
        .contains("time since the drill started");

    List<LogEntry> errors =
        browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .toList();
    assertThat(errors).isEmpty();
    screenshot("drill-report.png");
  }

  @Test
  void report_printsToPdf() {
    browser.get(report().toUri().toString());

    byte[] pdf = Base64.getDecoder().decode(printed());

    assertThat(new String(pdf, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("%PDF-");
  }

  @Test
  void report_inDarkMode_hasADarkBackgroundAndLightText() throws IOException {
    browser.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    try {
      browser.get(report().toUri().toString());

      WebElement body = browser.findElement(By.tagName("body"));
      assertThat(body.getCssValue("background-color")).isEqualTo("rgba(21, 23, 26, 1)");
      assertThat(body.getCssValue("color")).isEqualTo("rgba(232, 234, 237, 1)");
      screenshot("drill-report-dark.png");
    } finally {
      browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }
  }
}
