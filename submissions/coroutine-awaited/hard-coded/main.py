print('tim')
print('text')
print('finished')
