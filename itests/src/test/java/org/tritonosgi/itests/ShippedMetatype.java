package org.tritonosgi.itests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The configuration properties our bundles declare, read from the metatype documents (OSGI-INF/metatype) inside
 * the jars the distribution ships in system/, by singleton PID; factory PIDs are left out (they have no .cfg).
 */
final class ShippedMetatype {

    private ShippedMetatype() {
    }

    /** Singleton PID to its properties in declaration order, for every org.tritonosgi jar under system/. */
    static Map<String, Set<String>> singletonPids(Path karafHome) throws Exception {
        Map<String, Set<String>> pids = new TreeMap<>();
        List<Path> jars;
        try (var paths = Files.walk(karafHome.resolve("system/org/tritonosgi"))) {
            jars = new ArrayList<>(paths.filter(p -> p.toString().endsWith(".jar")).toList());
        }
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (ZipEntry entry : file.stream().filter(e -> e.getName().startsWith("OSGI-INF/metatype/")
                        && e.getName().endsWith(".xml")).toList()) {
                    try (InputStream in = file.getInputStream(entry)) {
                        read(in, pids);
                    }
                }
            }
        }
        return pids;
    }

    private static void read(InputStream in, Map<String, Set<String>> pids) throws Exception {
        var document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        Map<String, Set<String>> ocds = new TreeMap<>();
        NodeList ocdNodes = document.getElementsByTagName("OCD");
        for (int i = 0; i < ocdNodes.getLength(); i++) {
            Element ocd = (Element) ocdNodes.item(i);
            Set<String> ids = new LinkedHashSet<>();
            NodeList ads = ocd.getElementsByTagName("AD");
            for (int j = 0; j < ads.getLength(); j++) {
                ids.add(((Element) ads.item(j)).getAttribute("id"));
            }
            ocds.put(ocd.getAttribute("id"), ids);
        }
        NodeList designates = document.getElementsByTagName("Designate");
        for (int i = 0; i < designates.getLength(); i++) {
            Element designate = (Element) designates.item(i);
            String pid = designate.getAttribute("pid");
            if (pid.isEmpty()) {
                continue;
            }
            Element object = (Element) designate.getElementsByTagName("Object").item(0);
            pids.put(pid, ocds.get(object.getAttribute("ocdref")));
        }
    }

    /** Keys of a .cfg file (Karaf's format is a properties file). */
    static Set<String> cfgKeys(Path cfg) throws IOException {
        java.util.Properties properties = new java.util.Properties();
        try (var reader = Files.newBufferedReader(cfg)) {
            properties.load(reader);
        }
        return properties.stringPropertyNames();
    }

    /**
     * The environment variable Karaf (KarafConfigurationPlugin, 4.4) reads to override a key present in a PID's
     * configuration: PID and key joined by '_', upper case, '.', '-' and '~' written as '_'.
     */
    static String environmentVariable(String pid, String key) {
        return (pid + "_" + key).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_').replace('~', '_');
    }
}
