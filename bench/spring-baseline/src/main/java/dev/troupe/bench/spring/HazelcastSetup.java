package dev.troupe.bench.spring;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded Hazelcast member. Boot's Hazelcast auto-configuration starts a member from this
 * {@link Config} bean and shuts it down with the application context.
 */
@Configuration(proxyBeanMethods = false)
class HazelcastSetup {

  @Bean
  Config hazelcastConfig(BaselineProperties properties) {
    BaselineProperties.Cluster cluster = properties.cluster();
    Config config = new Config();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // Spring closes the member with the context, after Tomcat has stopped taking requests.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.memberList());

    BaselineProperties.Cache cache = properties.cache();
    config.addMapConfig(
        new MapConfig(cache.map())
            .setBackupCount(cache.backups())
            .setTimeToLiveSeconds(cache.ttlSeconds())
            .setEvictionConfig(
                new EvictionConfig()
                    .setEvictionPolicy(EvictionPolicy.LRU)
                    .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                    .setSize(cache.maxEntries())));
    return config;
  }

  @Bean
  IMap<String, Document> documentCache(HazelcastInstance hazelcast, BaselineProperties properties) {
    return hazelcast.getMap(properties.cache().map());
  }
}
