import { Button, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFound() {
  return (
    <Stack align="flex-start" p="md">
      <Title order={2}>Page not found</Title>
      <Text>There is no page at this address. Check the link, or go to the User Library.</Text>
      <Button component={Link} to="/users">
        Go to the User Library
      </Button>
    </Stack>
  );
}
