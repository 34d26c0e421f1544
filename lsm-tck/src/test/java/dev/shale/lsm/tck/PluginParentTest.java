package dev.shale.lsm.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * lsm-plugin-parent names the Shale version a plugin project gets in a property (it cannot use
 * {@code project.version}, which in a plugin project is the plugin's own): the property must follow
 * the version of the plugin parent and of Shale when they are bumped.
 */
class PluginParentTest {

  @Test
  void theShaleVersionPropertyFollowsTheVersion() throws Exception {
    Document parent = parse(Path.of("..", "lsm-plugin-parent", "pom.xml"));
    String shale = text(parse(Path.of("..", "pom.xml")), "/project/version");
    assertEquals(shale, text(parent, "/project/version"), "lsm-plugin-parent's version");
    assertEquals(shale, text(parent, "/project/properties/shale.version"), "shale.version");
  }

  private static Document parse(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  private static String text(Document doc, String path) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(path, doc).trim();
  }
}
