package io.chainsight.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver by Selenium: never a browser or
 * driver downloaded at test time. Every request the page makes is recorded (Chrome's performance
 * log), and so is every console message, so a test can say the page talked to nobody else and
 * raised no error.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** The Debian packages that provide the browser and its driver (.ci/run installs them). */
  public static final String PACKAGES = "chromium chromium-driver";

  private static final Path BROWSER = Path.of(env("CHROMIUM_BIN", "/usr/bin/chromium"));
  private static final Path DRIVER = Path.of(env("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));

  private final ChromeDriver driver;
  private final Path profile;
  private final List<Map<String, Object>> requested = new ArrayList<>();
  private final List<String> console = new ArrayList<>();

  private HeadlessChromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /**
   * Starts the browser with a fresh profile, or fails naming the packages to install when it or its
   * driver is missing.
   */
  public static HeadlessChromium start() {
    for (Path binary : List.of(BROWSER, DRIVER)) {
      if (!Files.isExecutable(binary)) {
        throw new AssertionError(
            binary
                + " is missing: the admin page tests need a real headless browser (expected: "
                + "Debian's "
                + PACKAGES
                + "; install them with `apt-get install "
                + PACKAGES
                + "`, as .ci/run does, or point CHROMIUM_BIN and CHROMEDRIVER_BIN at them)");
      }
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("chainsight-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make a profile directory for Chromium", e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--window-size=1400,1000",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    return new HeadlessChromium(new ChromeDriver(service, options), profile);
  }

  public WebDriver driver() {
    return driver;
  }

  /** Opens {@code url}; requests and console messages are recorded from here on. */
  public void open(String url) {
    driver.manage().logs().get(LogType.PERFORMANCE);
    driver.manage().logs().get(LogType.BROWSER);
    requested.clear();
    console.clear();
    driver.get(url);
  }

  /** Waits until {@code condition} gives a value that is not null or false. */
  public <T> T await(String what, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, Duration.ofSeconds(20))
          .withMessage("waiting for " + what)
          .until(condition);
    } catch (TimeoutException e) {
      screenshot(Path.of("target", "admin-page", "timeout.png"));
      throw e;
    }
  }

  /** Waits until at least one element matches and returns them all. */
  public List<WebElement> awaitAll(By by) {
    return await(
        "an element matching " + by,
        d -> {
          List<WebElement> found = d.findElements(by);
          return found.isEmpty() ? null : found;
        });
  }

  public Object script(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(script, arguments);
  }

  /** The whole page, however long, as a PNG (the window grows to the page's height for it). */
  public void screenshot(Path file) {
    Dimension before = driver.manage().window().getSize();
    script("window.scrollTo(0, 0)");
    Number height = (Number) script("return document.documentElement.scrollHeight");
    driver
        .manage()
        .window()
        .setSize(new Dimension(before.getWidth(), Math.max(before.getHeight(), height.intValue())));
    try {
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(shot.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the screenshot " + file, e);
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  /**
   * Every URL requested since {@link #open} (documents, scripts, styles, images, fetches), except
   * the browser's own {@code chrome://} pages (its new-tab page loads them at start; no page can).
   */
  public List<String> requestedUrls() {
    readRequests();
    return requested.stream().map(r -> (String) r.get("url")).collect(Collectors.toList());
  }

  /** The headers of every request since {@link #open} whose URL starts with {@code urlPrefix}. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> requestHeaders(String urlPrefix) {
    readRequests();
    return requested.stream()
        .filter(r -> ((String) r.get("url")).startsWith(urlPrefix))
        .map(r -> (Map<String, Object>) r.get("headers"))
        .collect(Collectors.toList());
  }

  private void readRequests() {
    for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
      Map<String, Object> message = child(StrictJson.object(entry.getMessage()), "message");
      if ("Network.requestWillBeSent".equals(message.get("method"))) {
        Map<String, Object> request = child(child(message, "params"), "request");
        if (!((String) request.get("url")).startsWith("chrome://")) {
          requested.add(request);
        }
      }
    }
  }

  /** Console messages at warning level or worse (script errors, CSP violations, failed loads). */
  public List<String> consoleProblems() {
    for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
      if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
        console.add(entry.getLevel() + " " + entry.getMessage());
      }
    }
    return List.copyOf(console);
  }

  /** Chromium's version, as its driver reports it. */
  public String version() {
    return driver.getCapabilities().getBrowserVersion()
        + " (chromedriver "
        + ((Map<?, ?>) driver.getCapabilities().getCapability("chrome"))
            .get("chromedriverVersion")
            .toString()
            .split(" ")[0]
        + ")";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> map, String name) {
    return (Map<String, Object>) map.get(name);
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        for (Path path :
            files.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
          Files.deleteIfExists(path);
        }
      } catch (IOException e) {
        // A profile left in /tmp is harmless.
      }
    }
  }
}
