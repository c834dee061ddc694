package dev.tally.service.http;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver: both named explicitly, so
 * Selenium Manager never looks for (or downloads) a browser or a driver. A machine without them
 * fails the test with what to install; {@code .ci/run} installs them.
 */
final class HeadlessChromium {
    static final Path BROWSER = Path.of(System.getProperty("tally.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("tally.chromedriver", "/usr/bin/chromedriver"));

    private HeadlessChromium() {
    }

    /** A fresh browser with its own profile in {@code profile}; the caller quits it. */
    static ChromeDriver start(Path profile) throws IOException {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("this test needs Debian's headless Chromium and its WebDriver: "
                    + BROWSER + " and " + DRIVER + " not both found; install them with "
                    + "`apt-get update && apt-get install -y chromium chromium-driver` (.ci/run does)");
        }
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-extensions", "--window-size=1400,1500", "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File(profile.toFile(), "chromedriver.log"))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }
}
